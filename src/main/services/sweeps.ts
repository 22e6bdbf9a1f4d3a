import { normalizeArch } from '../core/scoring/index.ts'
import { gridPairs, weightsOf, type ExponentPair, type SweepTable } from '../core/weights/index.ts'
import type { JobSpec } from '../jobs/job-spec.ts'
import { parseJobSpec } from '../jobs/job-spec.ts'
import type { ScoreStore } from '../store/index.ts'
import { EpsinasError } from '../../shared/errors.ts'
import { archParameterCounts } from './arch-parameters.ts'
import { DEFAULT_RANK_PROXIES, installedProxyColumns } from './ranking.ts'
import { openBenchmarkStore, type BenchmarkStore } from '../store/benchmarks.ts'
import type { RankSignal } from '../core/ranking/full-coverage.ts'
import type { DatasetId, SpaceId } from '../../shared/types.ts'
import { readAccuraciesFile } from './score-files.ts'
import { cacheArchs } from './scoring.ts'
import { getSpace } from '../core/spaces/registry.ts'
import { refreshSpace } from '../user-spaces/load.ts'

/** The job spec of a sweep over every pair (10^a, 10^b), a < b, of an exponent grid. */
export function sweepSpec(base: Omit<JobSpec, 'kind' | 'pairs' | 'exponents'>, exponents: readonly number[]): JobSpec {
  const pairs = gridPairs(exponents)
  if (pairs.length === 0) throw new EpsinasError('BAD_ARGUMENT', 'the exponent grid has no pair (a, b) with a < b')
  return { ...base, kind: 'sweep', pairs: pairs.map(weightsOf), exponents: pairs.map((p) => [p.low, p.high]) }
}

/**
 * The scores of a finished sweep job as a table for the selection strategies: read from the cache
 * through the per-pair config ids the job recorded, with accuracies aligned when the job has them.
 */
export async function sweepTable(store: ScoreStore, jobId: string): Promise<SweepTable> {
  const job = store.jobs.get(jobId)
  if (!job || job.kind !== 'sweep') throw new EpsinasError('BAD_ARGUMENT', `no sweep job '${jobId}'`)
  const spec = parseJobSpec(jobId, job.spec)
  const results = store.jobs.sweepResults(jobId)
  if (results.length === 0) throw new EpsinasError('BAD_ARGUMENT', `sweep ${jobId} has no results yet (state ${job.state}; resume it with epsinas jobs resume ${jobId})`)
  const archs = [...new Set(store.jobs.archs(jobId))]
  // Imported spaces name cached scores by file content: those of the files the space holds now.
  refreshSpace(spec.space)
  const names = cacheArchs(spec.space, archs)
  const byContent = getSpace(spec.space).hasCacheArch
  const pairs = results.map((result) => {
    const scores = store.lookup(result.configId, [...names.values()])
    // Fewer scores than the sweep stored: files were imported again with other content since, and
    // their missing scores would read as NaN and move the choice.
    if (byContent && scores.size < result.n) {
      throw new EpsinasError('BAD_ARGUMENT', `sweep ${jobId} scored files of search space ${spec.space} that were imported again since: run the sweep again (unchanged files come from the cache)`)
    }
    const pair: ExponentPair = { low: result.exponents[0], high: result.exponents[1] }
    return { pair, epsilon: archs.map((arch) => scores.get(names.get(arch) as string)?.epsilon ?? null) }
  })
  // Null where an arch cannot be counted (an imported file that no longer parses): the table keeps its scores.
  const { counts: parameters } = await archParameterCounts(spec.space, spec.dataset, archs)
  const proxies = installedRankProxies(store, spec.space, spec.dataset, archs)
  if (!spec.accuracies) return { archs, pairs, parameters, proxies }
  const accuracies = await readAccuraciesFile(spec.accuracies, { normalizeArch: (arch) => normalizeArch(spec.space, arch) })
  return { archs, pairs, accuracies: archs.map((arch) => accuracies.get(arch) ?? null), parameters, proxies }
}

/**
 * The full-coverage ranking's default proxies (DEFAULT_RANK_PROXIES) installed beside the cache,
 * as `score` ranks with them; none when the benchmark tables cannot be read (e.g. out of date):
 * the choice of a pair never depends on them.
 */
function installedRankProxies(store: ScoreStore, space: SpaceId, dataset: DatasetId, archs: readonly string[]): RankSignal[] {
  let benchmarks: BenchmarkStore | null = null
  try {
    benchmarks = openBenchmarkStore(store.path, { readOnly: true })
    return installedProxyColumns(benchmarks, space, dataset, archs, DEFAULT_RANK_PROXIES)
  } catch (error) {
    if (error instanceof EpsinasError) return []
    throw error
  } finally {
    benchmarks?.close()
  }
}
