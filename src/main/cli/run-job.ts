import { runJob, type JobOutcome } from '../jobs/job-runner.ts'
import { parseJobSpec } from '../jobs/job-spec.ts'
import type { ScoreStore } from '../store/index.ts'
import { EpsinasError } from '../../shared/errors.ts'
import { checkOutputFile } from './output-file.ts'
import { createProgressBar, formatDuration } from './progress.ts'
import { finishScoreJob } from './score-output.ts'

/**
 * Runs a job in the foreground: progress bar on stderr, Ctrl-C pauses it (every finished score
 * is kept), a summary at the end, and the job's --out file when it has one. Throws CANCELLED /
 * WORKER_FAILED so the exit status tells.
 */
export async function runJobInForeground(store: ScoreStore, jobId: string, options: { progress: boolean; workers?: number }): Promise<JobOutcome> {
  // A resume may run long after the job was started (its folder gone since): check before any work.
  const stored = store.jobs.get(jobId)
  const planned = stored ? parseJobSpec(jobId, stored.spec) : null
  if (planned?.kind === 'score' && planned.out) checkOutputFile('--out', planned.out)
  const abort = new AbortController()
  const onSigint = (): void => abort.abort()
  process.once('SIGINT', onSigint)
  const bar = options.progress ? createProgressBar(`job ${jobId}`) : null
  let outcome: JobOutcome
  try {
    outcome = await runJob(store, jobId, { signal: abort.signal, onProgress: (p) => bar?.update(p) })
  } finally {
    bar?.stop()
    process.off('SIGINT', onSigint)
  }
  process.stderr.write(`${describeOutcome(outcome, store.path)}\n`)
  // The job's ranking and --out file, from the spec: a resume writes it too, with every architecture of the job.
  const spec = parseJobSpec(jobId, outcome.job.spec)
  if (spec.kind === 'score') await finishScoreJob(store, spec, outcome.summary)
  return outcome
}

/** Throws the error matching how a job ended (nothing when it is done). */
export function failUnlessDone(outcome: JobOutcome): void {
  const { job, summary } = outcome
  if (job.state === 'paused') throw new EpsinasError('CANCELLED', `job ${job.id} paused with ${job.done}/${job.total} done; resume with: epsinas jobs resume ${job.id}`)
  if (job.state === 'cancelled') throw new EpsinasError('CANCELLED', `job ${job.id} cancelled with ${job.done}/${job.total} done`)
  if (summary.failed.length > 0) {
    const first = summary.failed[0]
    throw new EpsinasError('WORKER_FAILED', `${summary.failed.length} scores failed, first ${first.arch}: ${first.error.message} (epsinas jobs show ${job.id})`)
  }
}

/** The end-of-run summary: what was scored, cached, NaN; wall time and rate. */
export function describeOutcome(outcome: JobOutcome, dbPath: string): string {
  const { job, summary } = outcome
  const sum = (pick: (p: (typeof summary.pairs)[number]) => number): number => summary.pairs.reduce((total, p) => total + pick(p), 0)
  const computed = sum((p) => p.computed)
  const shared = sum((p) => p.shared)
  const cached = sum((p) => p.cached)
  const nan = sum((p) => p.nan)
  const scored = computed + shared
  const units = summary.pairs.length === 1 ? 'architectures' : `scores (${summary.archs.length} archs x ${summary.pairs.length} weight pairs)`
  const resolved = scored + cached
  const lines = [
    `job ${job.id} ${job.state}: ${job.total} ${units}: ${scored} scored now (${computed} computed, ${shared} shared with an identical network), ` +
      `${cached} from the cache, ${nan} NaN, ${summary.failed.length} failed`,
    `wall ${formatDuration(summary.wallMs / 1000)} (${(summary.wallMs / 1000).toFixed(1)} s), ${(resolved / (summary.wallMs / 1000)).toFixed(1)} ${summary.pairs.length === 1 ? 'archs' : 'scores'}/s, engine ${summary.engine}, backend ${summary.backendReason}`,
  ]
  if (scored === 0 && summary.failed.length === 0 && !summary.cancelled) lines.push(`nothing to compute: every score was already in the cache (${dbPath})`)
  return lines.join('\n')
}
