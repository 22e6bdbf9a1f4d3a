/**
 * compare:get: the cached epsilon scores of one configuration joined with the installed
 * accuracies, parameter counts and other proxies' scores, with the section-5 statistics of every
 * proxy. Reads only; says what is missing instead of failing when nothing is installed.
 */
import type { CompareRequest, CompareResponse, ComparePoint, ProxyStatsView } from '../../../shared/api.ts'
import { computeEpsilonStats } from '../../core/stats/index.ts'
import { listProxies, nb201Accuracies, nb201Costs, proxyScores, resolveNb201Split, type BenchmarkStore } from '../../store/benchmarks.ts'
import type { ScoreStore } from '../../store/index.ts'
import type { DatasetId, SpaceId } from '../../../shared/types.ts'
import { listScores } from './scores.ts'

/** The proxy name Suite-Zero uses for its accuracies (not a proxy to compare). */
const SUITE_ZERO_ACCURACY = 'val_accuracy'

/** Joins and computes; `benchmarks` holds the imported benchmark tables. */
export async function compareScores(store: ScoreStore, benchmarks: BenchmarkStore, request: CompareRequest): Promise<CompareResponse> {
  const { topK: requestedK, ...config } = request
  const scores = await listScores(store, config)
  const missing: string[] = []
  if (scores.length === 0) missing.push('no cached epsilon scores for this configuration: start a run on the Runs page')
  const { accuracies, source } = installedAccuracyTable(benchmarks, request.space, request.dataset)
  if (!source) missing.push(`install NAS-Bench-201 accuracies (NATS, NNI or Suite-Zero) to compare against accuracy on ${request.dataset}`)
  const params = request.space === 'nb201' ? nb201Costs(benchmarks, resolveNb201Split(request.dataset, 'test').trainSet) : new Map<string, { params: number | null }>()
  if (params.size === 0) missing.push('install NAS-Bench-201 (NATS or NNI) to colour points by parameter count')
  const points: ComparePoint[] = scores.map((s) => ({ arch: s.arch, epsilon: s.epsilon, accuracy: accuracies.get(s.arch) ?? null, params: params.get(s.arch)?.params ?? null }))
  const proxyNames = listProxies(benchmarks, request.space, request.dataset).filter((name) => name !== SUITE_ZERO_ACCURACY)
  if (proxyNames.length === 0) missing.push('install NAS-Bench-Suite-Zero to compare with other zero-cost proxies')
  const proxies = proxyNames.map((name) => {
    const values = proxyScores(benchmarks, request.space, request.dataset, name)
    return { name, scores: points.map((p) => finiteOrNull(values.get(p.arch) ?? null)) }
  })
  const acc = points.map((p) => p.accuracy)
  const usable = acc.filter((a) => a !== null).length
  const topK = requestedK ?? Math.max(1, Math.round(usable / 10))
  const stats: ProxyStatsView[] = source
    ? [statsOf('epsilon', points.map((p) => p.epsilon), acc, topK), ...proxies.map((p) => statsOf(p.name, p.scores, acc, topK))]
    : []
  return { points, proxies, stats, topK, accuracySource: source, missing }
}

/**
 * The best installed accuracies of a space and dataset: NAS-Bench-201's trained test accuracy when
 * NATS or NNI is converted, else Suite-Zero's val_accuracy; `source` says which (null: none).
 */
export function installedAccuracyTable(benchmarks: BenchmarkStore, space: SpaceId, dataset: DatasetId): { accuracies: Map<string, number>; source: string | null } {
  if (space === 'nb201') {
    const trained = nb201Accuracies(benchmarks, dataset, 'test')
    if (trained.size > 0) return { accuracies: trained, source: `NAS-Bench-201 ${dataset} test accuracy (200 epochs, mean over seeds)` }
  }
  const suiteZero = proxyScores(benchmarks, space, dataset, SUITE_ZERO_ACCURACY)
  const accuracies = new Map<string, number>()
  for (const [arch, value] of suiteZero) if (value !== null && Number.isFinite(value)) accuracies.set(arch, value)
  if (accuracies.size > 0) return { accuracies, source: `NAS-Bench-Suite-Zero ${dataset} val_accuracy` }
  return { accuracies, source: null }
}

/** The section-5 statistics plus the top-k overlap over the architectures with both values finite. */
export function statsOf(proxy: string, scores: ReadonlyArray<number | null>, accuracies: ReadonlyArray<number | null>, k: number): ProxyStatsView {
  return { proxy, ...computeEpsilonStats(scores, accuracies), topKOverlap: topKOverlap(scores, accuracies, k) }
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
