import { randomBytes } from 'node:crypto'
import { readAccuraciesFile } from '../services/score-files.ts'
import { scorePairs, type ScorePairsSummary, type ScoreProgress } from '../services/scoring.ts'
import { computeEpsilonStats } from '../core/stats/index.ts'
import { normalizeArch } from '../core/scoring/index.ts'
import type { JobRecord, JobState, ScoreStore, SweepResultRow } from '../store/index.ts'
import { EpsinasError, serializeError } from '../../shared/errors.ts'
import { parseJobSpec, type JobSpec } from './job-spec.ts'
import { isProcessRunning, processIdentity } from './process-identity.ts'
import type { ScorePool } from './worker-pool.ts'

/** A job's state as the user sees it: a 'running' job whose process is gone was interrupted. */
export type JobStatus = JobState | 'interrupted'

/** How often a running job saves its counters and looks for a pause/cancel from another process. */
const CHECK_INTERVAL_MS = 500

/** Creates a queued job for `archs` (already validated) and returns its id. */
export function createJob(store: ScoreStore, spec: JobSpec, archs: readonly string[]): string {
  const id = `j${randomBytes(4).toString('hex')}`
  store.jobs.create({ id, kind: spec.kind, spec: JSON.stringify(spec), total: archs.length * spec.pairs.length }, archs)
  return id
}

/**
 * The job's state, with 'interrupted' for a job left 'running' by a process that no longer exists,
 * even when its PID has since been given to another process.
 */
export function jobStatus(job: JobRecord): JobStatus {
  if (job.state !== 'running') return job.state
  return job.runnerPid !== null && isProcessRunning(job.runnerPid, job.runnerIdentity) ? 'running' : 'interrupted'
}

/** Loads a job or throws BAD_ARGUMENT naming the id. */
export function getJob(store: ScoreStore, id: string): JobRecord {
  const job = store.jobs.get(id)
  if (!job) throw new EpsinasError('BAD_ARGUMENT', `no job '${id}' in ${store.path} (see epsinas jobs list)`)
  return job
}

/** Result of running a job to its end, to a pause or to a cancel. */
export interface JobOutcome {
  job: JobRecord
  summary: ScorePairsSummary
}

/** Collaborators of a job run. */
export interface JobRunContext {
  pool?: ScorePool
  onProgress?: (progress: ScoreProgress) => void
  /** Aborting pauses the job (it can be resumed); scores finished so far are kept. */
  signal?: AbortSignal
}

/**
 * Runs (or resumes) a job: scores what the cache does not have yet, keeps the counters in the
 * store, and ends done, failed, paused or cancelled. Cancel and pause may also come from another
 * process through the store (`requestStop`).
 */
export async function runJob(store: ScoreStore, id: string, context: JobRunContext = {}): Promise<JobOutcome> {
  const job = getJob(store, id)
  const status = jobStatus(job)
  if (status === 'running') throw new EpsinasError('BAD_ARGUMENT', `job ${id} is already running (process ${job.runnerPid})`)
  if (status === 'done' || status === 'cancelled') throw new EpsinasError('BAD_ARGUMENT', `job ${id} is ${status}; start a new one (cached scores are reused)`)
  const spec = parseJobSpec(id, job.spec)
  store.jobs.clearFailures(id)
  store.jobs.setState(id, 'running', { runnerPid: process.pid, runnerIdentity: processIdentity(process.pid) })

  const stop = new AbortController()
  let stoppedAs: JobState | null = null
  // An abort from the caller ends as the stop recorded in the store (cancel), else as a pause.
  const onAbort = (): void => {
    const requested = store.jobs.get(id)?.state
    if (requested === 'paused' || requested === 'cancelled') stoppedAs = requested
    stop.abort()
  }
  context.signal?.addEventListener('abort', onAbort)
  let latest: ScoreProgress | null = null
  // Saves the counters and looks for a pause/cancel recorded by another process.
  const checkpoint = (): void => {
    if (latest) store.jobs.setProgress(id, { done: latest.done, nan: latest.nan, failed: latest.failed })
    const requested = store.jobs.get(id)?.state
    if (requested === 'paused' || requested === 'cancelled') {
      stoppedAs = requested
      stop.abort()
    }
  }
  const onProgress = (progress: ScoreProgress): void => {
    context.onProgress?.(progress)
    latest = progress
  }
  // On a clock, not on progress: a task that runs for minutes (a huge network, a stuck kernel) must
  // not keep a pause or cancel from landing. A failed check (a busy file) is retried at the next tick;
  // the writes at the end of the run report errors.
  const checks = setInterval(() => {
    try {
      checkpoint()
    } catch {
      // retried at the next tick
    }
  }, CHECK_INTERVAL_MS)

  try {
    // The job's archs are read here and not kept: scorePairs holds the one list the run needs.
    const summary = await scorePairs({ ...spec, archs: store.jobs.archs(id) }, { store, pool: context.pool, signal: stop.signal, onProgress })
    // The counters below are final: no check may overwrite them with a stale progress.
    clearInterval(checks)
    store.jobs.recordFailures(id, summary.failed.map((f) => ({ weights: f.weights, arch: f.arch, code: f.error.code, message: f.error.message })))
    const done = summary.pairs.reduce((sum, p) => sum + p.computed + p.shared + p.cached, 0) + summary.failed.length
    const nan = summary.pairs.reduce((sum, p) => sum + p.nan, 0)
    store.jobs.setProgress(id, { done, nan, failed: summary.failed.length })
    if (spec.kind === 'sweep' && !summary.cancelled) store.jobs.putSweepResults(id, await sweepRows(spec, summary))
    const final: JobState = summary.cancelled ? (stoppedAs ?? 'paused') : summary.failed.length > 0 ? 'failed' : 'done'
    const error = final === 'failed' ? `${summary.failed.length} architecture scores failed (see epsinas jobs show ${id})` : null
    store.jobs.setState(id, final, { error })
    return { job: getJob(store, id), summary }
  } catch (error) {
    store.jobs.setState(id, 'failed', { error: serializeError(error).message })
    throw error
  } finally {
    clearInterval(checks)
    context.signal?.removeEventListener('abort', onAbort)
  }
}

/** Asks a job to stop: at once when it is not running, at its next check when another process runs it. */
export function requestStop(store: ScoreStore, id: string, as: 'paused' | 'cancelled'): JobRecord {
  const job = getJob(store, id)
  const status = jobStatus(job)
  if (status === 'done' || status === 'cancelled') throw new EpsinasError('BAD_ARGUMENT', `job ${id} is already ${status}`)
  if (as === 'paused' && status === 'paused') return job
  store.jobs.setState(id, as, status === 'running' ? { runnerPid: job.runnerPid, runnerIdentity: job.runnerIdentity } : {})
  return getJob(store, id)
}

/** Per-pair sweep results: n, NaN count and, with accuracies, the section-5 statistics. */
async function sweepRows(spec: JobSpec, summary: ScorePairsSummary): Promise<SweepResultRow[]> {
  const accuracies = spec.accuracies ? await readAccuraciesFile(spec.accuracies, { normalizeArch: (arch) => normalizeArch(spec.space, arch) }) : null
  return summary.pairs.map((pair, p) => {
    const failed = summary.failed.filter((f) => f.weights[0] === pair.weights[0] && f.weights[1] === pair.weights[1]).length
    let stats: string | null = null
    if (accuracies) {
      const known = pair.rows.filter((row) => accuracies.has(row.arch))
      stats = JSON.stringify(computeEpsilonStats(known.map((row) => row.epsilon), known.map((row) => accuracies.get(row.arch) as number)))
    }
    const n = pair.computed + pair.shared + pair.cached
    return { exponents: spec.exponents?.[p] ?? [Math.log10(pair.weights[0]), Math.log10(pair.weights[1])], weights: pair.weights, configId: pair.configId, n, nan: pair.nan, failed, stats }
  })
}
