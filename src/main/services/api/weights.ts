/**
 * weights:select: the automatic weight-pair choice over a finished sweep job, with its evidence, a
 * label-free warning when its ranking may be poor, the strategy list for the picker and, when the
 * sweep has accuracies, every strategy judged against them (stored with the sweep, served again
 * while its inputs are unchanged).
 */
import type { PairQualityView, PairVerdictView, SelectionStrategyView, WeightsEvaluationView, WeightsSelectRequest, WeightsSelectResponse } from '../../../shared/api.ts'
import { EpsinasError } from '../../../shared/errors.ts'
import {
  bootstrapStability,
  explainSelection,
  getStrategy,
  STRATEGIES,
  weightsOf,
  type ExponentPair,
  type PairQuality,
  type PairVerdict,
  type Stability,
  type SweepTable,
} from '../../core/weights/index.ts'
import { selectionEvidence } from '../../core/weights/explain.ts'
import { rankingWarning } from '../../core/weights/ranking-warning.ts'
import type { ScoreStore } from '../../store/index.ts'
import { evaluateSweep } from '../sweep-evaluations.ts'
import { sweepTable } from '../sweeps.ts'
import { requireJob } from './views.ts'

/** Runs the requested strategy on the sweep's cached scores; nothing is computed or written. */
export async function selectWeights(store: ScoreStore, request: WeightsSelectRequest): Promise<WeightsSelectResponse> {
  const job = requireJob(store, request.jobId)
  if (job.kind !== 'sweep') throw new EpsinasError('BAD_ARGUMENT', `Job ${job.id} is a score job; pick a sweep job (epsinas sweep or select-weights creates one).`)
  const table = await sweepTable(store, job.id)
  const nanThreshold = request.nanThreshold ?? 0.1
  const resamples = request.bootstrap ?? 200
  const strategy = getStrategy(request.strategy)
  // The job stores its distinct architectures, so the reference draws each once (not its own repeated sample).
  const options = { nanThreshold, metric: request.metric }
  const result = strategy.select(table, options)
  const choose = (indices: readonly number[]) => strategy.select(table, { ...options, indices }).chosen?.pair ?? null
  const stability = resamples > 0 ? await stabilityYielding(table.archs.length, choose, result.chosen?.pair ?? null, resamples) : null
  const context = { sampleSize: table.archs.length, nanThreshold, metric: request.metric, stability: stability ?? undefined }
  return {
    strategy: strategy.id,
    chosen: verdictView(result.chosen),
    runnerUp: verdictView(result.runnerUp),
    considered: result.considered.map((v) => verdictView(v) as PairVerdictView),
    stability,
    sampleSize: table.archs.length,
    nanThreshold,
    metric: request.metric ?? null,
    explanation: explainSelection(strategy.id, result, context),
    evidence: result.chosen ? selectionEvidence(strategy.id, result, context) : null,
    warning: rankingWarning(table, result.chosen?.pair ?? null),
    strategies: STRATEGIES.map((s): SelectionStrategyView => ({ id: s.id, description: s.description, labelFree: s.labelFree })),
    evaluation: evaluation(store, job.id, table, nanThreshold),
  }
}

/** Longest stretch of resamples run before the main process serves other requests again. */
const YIELD_AFTER_MS = 20

/**
 * bootstrapStability's figures (the same seeded draws as the CLI's), without holding the main
 * process for the whole bootstrap: the plateau strategy takes about 22 ms a resample on 725 archs
 * x 28 pairs, 4.5 s for 200. The draws are collected first, the strategy is run on them with a
 * yield to the event loop every YIELD_AFTER_MS, and bootstrapStability counts the picks in order.
 */
async function stabilityYielding(size: number, choose: (indices: readonly number[]) => ExponentPair | null, chosen: ExponentPair | null, resamples: number): Promise<Stability> {
  const draws: Array<readonly number[]> = []
  bootstrapStability(size, (indices) => (draws.push(indices), null), null, resamples)
  const picks: Array<ExponentPair | null> = []
  let since = performance.now()
  for (const indices of draws) {
    picks.push(choose(indices))
    if (performance.now() - since > YIELD_AFTER_MS) {
      await new Promise((resolve) => setImmediate(resolve))
      since = performance.now()
    }
  }
  let next = 0
  return bootstrapStability(size, () => picks[next++], chosen, resamples)
}

/** The harness on the sweep's labelled archs (stored, or run now and stored); null without accuracies or with fewer than 2 labelled archs. */
function evaluation(store: ScoreStore, jobId: string, table: SweepTable, nanThreshold: number): WeightsEvaluationView | null {
  const labelled = table.accuracies?.filter((a) => a !== null && Number.isFinite(a)).length ?? 0
  if (labelled < 2) return null
  const { evaluation: judged, evaluatedAt, stored, accuracies } = evaluateSweep(store, jobId, table, nanThreshold)
  return {
    evaluatedAt,
    stored,
    accuracies,
    archs: judged.archs,
    best: qualityView(judged.best),
    strategies: judged.strategies.map((s) => ({ strategy: s.strategy, chosen: qualityView(s.chosen), regret: s.regret, evidence: s.evidence })),
  }
}

function qualityView(quality: PairQuality | null): PairQualityView | null {
  if (!quality) return null
  return { exponents: [quality.pair.low, quality.pair.high], weights: weightsOf(quality.pair), coverage: quality.coverage, spearman: quality.spearman, kendall: quality.kendall }
}

function verdictView(verdict: PairVerdict | null): PairVerdictView | null {
  if (!verdict) return null
  const [low, high] = weightsOf(verdict.pair)
  return { exponents: [verdict.pair.low, verdict.pair.high], weights: [low, high], nanFraction: verdict.nanFraction, metric: verdict.metricValue }
}
