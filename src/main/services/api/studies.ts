/**
 * studies:search: the search study of docs/search.md for the Studies page, the same simulation as
 * `epsinas search`. Reads only: epsilon comes from the cache of the chosen score run (archs it has
 * not scored rank last, said in a note: scoring them is a job for the Runs page), proxies from the
 * installed Suite-Zero tables.
 */
import type { SearchStudyRequest, SearchStudyResponse } from '../../../shared/api.ts'
import { simulate, type VariantResult } from '../../search/simulate.ts'
import { variantOf } from '../../search/study.ts'
import { planVariants } from '../../search/variants.ts'
import type { GuideScores } from '../../search/index.ts'
import type { BenchmarkStore } from '../../store/benchmarks.ts'
import type { ScoreStore } from '../../store/index.ts'
import { EpsinasError } from '../../../shared/errors.ts'
import { EPSILON_GUIDE, guideNames, guideOf, installedProxyGuides, installedSearchProblem } from '../search.ts'
import { listScores } from './scores.ts'

export async function searchStudy(store: ScoreStore, benchmarks: BenchmarkStore, request: SearchStudyRequest): Promise<SearchStudyResponse> {
  const { problem, reported, selection } = installedSearchProblem(benchmarks, request.space, request.dataset)
  const plans = planVariants(request.algorithms, request.warmups, request.moves)
  const notes: string[] = []
  const names = guideNames(plans)
  const guides = installedProxyGuides(benchmarks, request.space, request.dataset, problem.archs, names, notes)
  if (names.includes(EPSILON_GUIDE)) guides.set(EPSILON_GUIDE, await cachedEpsilon(store, request, problem.archs, notes))
  const pool = Math.min(request.pool, problem.archs.length)
  if (pool < request.pool && plans.some((plan) => plan.warmup !== 'none')) notes.push(`pool ${request.pool} capped at the ${problem.archs.length} archs with installed accuracies`)
  const settings = { ...request, pool }
  const results: VariantResult[] = []
  for (const plan of plans) {
    results.push(simulate(problem, variantOf(plan, guides, settings), settings))
    // This runs in the main process, which must keep answering IPC and the bridge between variants.
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  return { archs: problem.archs.length, reported, selection, pool, notes, variants: plans.map((plan, i) => ({ ...plan, curve: results[i].curve, final: results[i].final })) }
}

/** Epsilon of `archs` from the cached scores of the request's score run; NaN and unscored archs rank last. */
async function cachedEpsilon(store: ScoreStore, request: SearchStudyRequest, archs: readonly string[], notes: string[]): Promise<GuideScores> {
  const config = request.epsilon
  if (config === undefined) throw new EpsinasError('BAD_ARGUMENT', 'an epsilon guide needs the score run to read epsilon from (epsilon: its configuration)')
  if (config.space !== request.space || config.dataset !== request.dataset) {
    throw new EpsinasError('BAD_ARGUMENT', `the epsilon scores are of ${config.space}/${config.dataset}, the study of ${request.space}/${request.dataset}`)
  }
  const cached = new Map((await listScores(store, config)).map((row) => [row.arch, row.epsilon]))
  const unscored = archs.filter((arch) => !cached.has(arch)).length
  const guide = guideOf(archs, archs.map((arch) => cached.get(arch) ?? null))
  const nan = guide.filter((value) => value === Number.NEGATIVE_INFINITY).length - unscored
  if (nan > 0) notes.push(`epsilon: ${nan} of ${archs.length} archs NaN, ranked last`)
  if (unscored > 0) notes.push(`epsilon: ${unscored} of ${archs.length} archs not scored in this run, ranked last (score them on the Runs page)`)
  return guide
}
