/**
 * compare:get: the cached epsilon scores of one configuration joined with the installed
 * accuracies, parameter counts (installed, else counted from the network) and other proxies'
 * scores (published by Suite-Zero, and native ones from `epsinas proxies`, each with its source), with the section-5 statistics and bootstrap intervals of every proxy on its own coverage
 * and on the archs all of them share.
 * Reads only; says what is missing instead of failing when nothing is installed.
 */
import type { CompareRequest, CompareResponse, ComparePoint, ProxyStatsView } from '../../../shared/api.ts'
import { commonArchs, statsWithIntervals } from '../../core/stats/index.ts'
import { benchmarkKey, installedAccuracyTable as sharedAccuracyTable } from '../../benchmarks/installed-accuracies.ts'
import { spaceBenchmarkData } from '../../benchmarks/space-data/index.ts'
import { getSpace } from '../../core/spaces/registry.ts'
import type { BenchmarkStore } from '../../store/benchmarks.ts'
import type { ScoreStore } from '../../store/index.ts'
import type { DatasetId, SpaceId } from '../../../shared/types.ts'
import { pointParameters } from '../parameter-counts.ts'
import { proxyColumns } from '../proxy-columns.ts'
import { nativeProxiesRunOn } from '../proxies.ts'
import { listScores } from './scores.ts'

/** Joins and computes; `benchmarks` holds the imported benchmark tables. */
export async function compareScores(store: ScoreStore, benchmarks: BenchmarkStore, request: CompareRequest): Promise<CompareResponse> {
  const { topK: requestedK, ...config } = request
  const scores = await listScores(store, config)
  const missing: string[] = []
  if (scores.length === 0) missing.push('no cached epsilon scores for this configuration: start a run on the Runs page')
  const { accuracies, source } = installedAccuracyTable(benchmarks, request.space, request.dataset)
  const space = getSpace(request.space)
  const data = spaceBenchmarkData(space.id)
  // Name what to install for spaces that have benchmark data; an imported space has none to install.
  if (!source) {
    missing.push(
      data.accuracies
        ? `install ${space.title} accuracies (Benchmarks page) to compare against accuracy on ${request.dataset}`
        : `${space.title} has no benchmark accuracies to install: correlate with your own using epsinas stats --space ${space.id} --accuracies FILE.csv`,
    )
  }
  // Scores are keyed by our arch ids, the tables by the benchmark's (NB101: module hash).
  const toKey = benchmarkKey(request.space)
  const keys = scores.map((s) => toKey(s.arch))
  const params = await pointParameters(benchmarks, request.space, request.dataset, scores.map((s) => s.arch), keys)
  const points: ComparePoint[] = scores.map((s, i) => ({ arch: s.arch, epsilon: s.epsilon, accuracy: accuracies.get(keys[i]) ?? null, params: params.params[i] }))
  const read = proxyColumns(benchmarks, request.space, request.dataset, scores.map((s) => s.arch))
  const proxies = read.columns.map(({ name, source, description, values }) => ({ name, source, description, scores: values.map(finiteOrNull) }))
  if (read.unreadable !== null) missing.push(`installed proxies not shown: ${read.unreadable}`)
  if (proxies.length === 0) {
    missing.push(
      nativeProxiesRunOn(request.dataset)
        ? `compute native proxies (epsinas proxies --space ${space.id} --dataset ${request.dataset}) or install NAS-Bench-Suite-Zero to compare with other zero-cost proxies`
        : 'install NAS-Bench-Suite-Zero to compare with other zero-cost proxies',
    )
  }
  const acc = points.map((p) => p.accuracy)
  const usable = acc.filter((a) => a !== null).length
  const topK = requestedK ?? Math.max(1, Math.round(usable / 10))
  const rows = [{ name: 'epsilon', scores: points.map((p) => p.epsilon) }, ...proxies]
  const stats: ProxyStatsView[] = source ? await mapYielding(rows, (row) => statsOf(row.name, row.scores, acc, topK)) : []
  // Like for like: one set of archs for every row, so a proxy is not credited for archs epsilon cannot score.
  const common = source ? commonArchs([acc, ...rows.map((row) => row.scores)]) : []
  const pick = (values: ReadonlyArray<number | null>): Array<number | null> => common.map((i) => values[i])
  const commonStats: ProxyStatsView[] = source ? await mapYielding(rows, (row) => statsOf(row.name, pick(row.scores), pick(acc), topK)) : []
  return { points, proxies, stats, commonStats, topK, accuracySource: source, paramsSource: params.source, missing }
}

/**
 * The installed accuracies the page compares against (installedAccuracyTable, shared with
 * `epsinas stats`: the benchmark's trained test accuracy, else Suite-Zero's val_accuracy), with
 * the line that names them; `source` null: none installed.
 */
export function installedAccuracyTable(benchmarks: BenchmarkStore, space: SpaceId, dataset: DatasetId): { accuracies: Map<string, number>; source: string | null } {
  const table = sharedAccuracyTable(benchmarks, space, dataset)
  return { accuracies: table.accuracies, source: table.source?.description ?? null }
}

/**
 * `items.map(f)`, letting the event loop run between items: each row's bootstrap takes ~0.1 s on
 * 725 archs, and this runs in the main process, which must keep answering IPC and the bridge.
 */
async function mapYielding<T, R>(items: readonly T[], f: (item: T) => R): Promise<R[]> {
  const out: R[] = []
  for (const item of items) {
    out.push(f(item))
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  return out
}

/** The section-5 statistics, their bootstrap intervals and the top-k overlap over the architectures with both values finite. */
export function statsOf(proxy: string, scores: ReadonlyArray<number | null>, accuracies: ReadonlyArray<number | null>, k: number): ProxyStatsView {
  return { proxy, ...statsWithIntervals(scores, accuracies), topKOverlap: topKOverlap(scores, accuracies, k) }
}

/** How many of the k best by score are among the k best by accuracy (null when fewer than k pairs). */
export function topKOverlap(scores: ReadonlyArray<number | null>, accuracies: ReadonlyArray<number | null>, k: number): number | null {
  const pairs: Array<{ i: number; s: number; a: number }> = []
  scores.forEach((s, i) => {
    const a = accuracies[i]
    if (s !== null && a !== null && Number.isFinite(s) && Number.isFinite(a)) pairs.push({ i, s, a })
  })
  if (pairs.length < k || k < 1) return null
  // Ties are broken by position so the count is deterministic.
  const best = (key: 's' | 'a'): Set<number> => new Set([...pairs].sort((x, y) => y[key] - x[key] || x.i - y.i).slice(0, k).map((p) => p.i))
  const byScore = best('s')
  let count = 0
  for (const i of best('a')) if (byScore.has(i)) count++
  return count
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null
}
