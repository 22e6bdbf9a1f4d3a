/**
 * The evaluation harness's result kept with its sweep (issue 13): `select-weights --evaluate` and
 * weights:select store it; weights:select serves the stored one while nothing it depends on
 * changed (the sweep's scores, the accuracies as joined, the strategies and the harness itself).
 */
import { createHash } from 'node:crypto'
import { EpsinasError } from '../../shared/errors.ts'
import { evaluateStrategies, STRATEGIES, type Evaluation, type SweepTable } from '../core/weights/index.ts'
import { parseJobSpec } from '../jobs/job-spec.ts'
import { openStore, type ScoreStore } from '../store/index.ts'

/**
 * Bump when the harness or a strategy computes something else from the same table (a changed
 * rule, a new field in the evaluation): every stored evaluation is then recomputed on its next
 * request. Adding or removing a strategy needs no bump (the strategy ids are part of the key).
 */
export const HARNESS_REVISION = 1

/** The strategies judged and the harness revision, as stored beside an evaluation. */
export function harnessId(): string {
  return `${STRATEGIES.map((s) => s.id).join(',')}#${HARNESS_REVISION}`
}

/**
 * SHA-256 of everything the harness reads: the whole table (archs, every pair's scores, the
 * accuracies as joined to the archs and any other column a strategy may read, e.g. parameter
 * counts). Hashing what was joined, not the accuracies file, ignores edits to rows of archs the
 * sweep does not hold.
 */
export function sweepInputsDigest(table: SweepTable): string {
  return createHash('sha256').update(JSON.stringify(table)).digest('hex')
}

/** An evaluation with where it came from. */
export interface SweepEvaluation {
  evaluation: Evaluation
  /** ISO time the harness ran. */
  evaluatedAt: string
  /** True when served from the store, false when computed by this call. */
  stored: boolean
  /** The accuracies file the sweep names. */
  accuracies: string
}

/**
 * The stored evaluation of the sweep when its inputs and harness still match, else the harness
 * run now and stored (replacing the out-of-date one). `table` is the job's sweepTable.
 */
export function evaluateSweep(store: ScoreStore, jobId: string, table: SweepTable, nanThreshold: number): SweepEvaluation {
  const inputs = sweepInputsDigest(table)
  const harness = harnessId()
  const found = store.evaluations.get(jobId, nanThreshold)
  if (found && found.inputs === inputs && found.harness === harness) {
    // Only this module writes the column, from the same harness revision, so the shape is the harness's.
    return { evaluation: JSON.parse(found.evaluation) as Evaluation, evaluatedAt: found.evaluatedAt, stored: true, accuracies: found.accuracies }
  }
  const evaluation = evaluateStrategies(table, STRATEGIES, { nanThreshold })
  const saved = putEvaluation(store, jobId, inputs, evaluation, nanThreshold)
  return { evaluation, evaluatedAt: saved.evaluatedAt, stored: false, accuracies: saved.accuracies }
}

/**
 * `select-weights --evaluate`: keeps the evaluation it computed with its sweep job in the cache
 * file at `dbPath` (the command has closed its store by then), so the Weights page serves it.
 */
export function saveSweepEvaluation(dbPath: string, jobId: string, table: SweepTable, evaluation: Evaluation, nanThreshold: number): void {
  const store = openStore(dbPath)
  try {
    putEvaluation(store, jobId, sweepInputsDigest(table), evaluation, nanThreshold)
  } finally {
    store.close()
  }
}

function putEvaluation(store: ScoreStore, jobId: string, inputs: string, evaluation: Evaluation, nanThreshold: number): { evaluatedAt: string; accuracies: string } {
  const job = store.jobs.get(jobId)
  if (!job) throw new EpsinasError('BAD_ARGUMENT', `no sweep job '${jobId}'`)
  const accuracies = parseJobSpec(jobId, job.spec).accuracies ?? ''
  store.evaluations.put({ jobId, nanThreshold, accuracies, inputs, harness: harnessId(), evaluation: JSON.stringify(evaluation) })
  const saved = store.evaluations.get(jobId, nanThreshold)
  if (!saved) throw new EpsinasError('INTERNAL', `the evaluation of sweep ${jobId} vanished right after it was stored`)
  return saved
}
