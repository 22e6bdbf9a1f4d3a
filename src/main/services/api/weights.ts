/** weights:select: the automatic weight-pair choice over a finished sweep job, with its explanation. */
import type { PairVerdictView, WeightsSelectRequest, WeightsSelectResponse } from '../../../shared/api.ts'
import { EpsinasError } from '../../../shared/errors.ts'
import { bootstrapStability, explainSelection, selectGrid, selectReference, weightsOf, type PairVerdict, type Selection, type Stability, type SweepTable } from '../../core/weights/index.ts'
import type { ScoreStore } from '../../store/index.ts'
import { sweepTable } from '../sweeps.ts'
import { requireJob } from './views.ts'

/** Runs the requested strategy on the sweep's cached scores; nothing is computed or written. */
export async function selectWeights(store: ScoreStore, request: WeightsSelectRequest): Promise<WeightsSelectResponse> {
  const job = requireJob(store, request.jobId)
  if (job.kind !== 'sweep') throw new EpsinasError('BAD_ARGUMENT', `Job ${job.id} is a score job; pick a sweep job (epsinas sweep or select-weights creates one).`)
  const table = await sweepTable(store, job.id)
  const nanThreshold = request.nanThreshold ?? 0.1
  const resamples = request.bootstrap ?? 200
  const { result, stability } = request.strategy === 'reference' ? reference(table, nanThreshold, resamples) : grid(table, request, nanThreshold, resamples)
  const explanation = explainSelection(request.strategy, result, { sampleSize: table.archs.length, nanThreshold, metric: request.metric, stability: stability ?? undefined })
  return {
    strategy: request.strategy,
    chosen: verdictView(result.chosen),
    runnerUp: verdictView(result.runnerUp),
    considered: result.considered.map((v) => verdictView(v) as PairVerdictView),
    stability,
    sampleSize: table.archs.length,
    nanThreshold,
    metric: request.metric ?? null,
    explanation,
  }
}

type Outcome = { result: Selection; stability: Stability | null }

function grid(table: SweepTable, request: WeightsSelectRequest, nanThreshold: number, resamples: number): Outcome {
  const options = { nanThreshold, metric: request.metric }
  const result = selectGrid(table, options)
  const stability = resamples > 0 ? bootstrapStability(table.archs.length, (idx) => selectGrid(table, options, idx).chosen?.pair ?? null, result.chosen?.pair ?? null, resamples) : null
  return { result, stability }
}

/**
 * The paper's sliding window over the sweep's integer exponents, each of the job's architectures
 * drawn once (the job stores its distinct architectures, not the reference's repeated draws).
 */
function reference(table: SweepTable, nanThreshold: number, resamples: number): Outcome {
  const lows = table.pairs.map((p) => p.pair.low)
  const highs = table.pairs.map((p) => p.pair.high)
  const low = Math.min(...lows)
  const high = Math.max(...highs)
  const has = (a: number, b: number): boolean => table.pairs.some((p) => p.pair.low === a && p.pair.high === b)
  const complete = Number.isInteger(low) && Number.isInteger(high) && Array.from({ length: high - low }, (_, i) => low + i).every((a) => Array.from({ length: high - a }, (_, j) => a + j + 1).every((b) => has(a, b)))
  if (!complete) throw new EpsinasError('BAD_ARGUMENT', 'The reference strategy needs a sweep over every pair of integer exponents with step 1; use the grid strategy for this sweep.')
  const draws = table.archs.map((_, i) => i)
  const result = selectReference(table, { low, high, draws, nanThreshold })
  const choose = (idx: readonly number[]) => selectReference(table, { low, high, draws: idx.map((i) => draws[i]), nanThreshold }).chosen?.pair ?? null
  const stability = resamples > 0 ? bootstrapStability(draws.length, choose, result.chosen?.pair ?? null, resamples) : null
  return { result, stability }
}

function verdictView(verdict: PairVerdict | null): PairVerdictView | null {
  if (!verdict) return null
  const [low, high] = weightsOf(verdict.pair)
  return { exponents: [verdict.pair.low, verdict.pair.high], weights: [low, high], nanFraction: verdict.nanFraction, metric: verdict.metricValue }
}
