/**
 * Background jobs of the serving process (desktop app or HTTP bridge): a queue that runs one job
 * at a time through the durable job runner, broadcasts its progress, and pauses, cancels or
 * resumes jobs. Job state lives in the store, so the CLI sees (and may stop) these jobs too.
 */
import { createJob, jobStatus, requestStop, runJob } from '../../jobs/job-runner.ts'
import type { JobSpec } from '../../jobs/job-spec.ts'
import type { ScoreProgress } from '../scoring.ts'
import type { ScoreStore } from '../../store/index.ts'
import type { JobView, ProgressEvent } from '../../../shared/api.ts'
import { EpsinasError } from '../../../shared/errors.ts'
import type { ProgressHub } from './progress-hub.ts'
import { jobView, requireJob } from './views.ts'

/** What the manager works with. */
export interface JobManagerOptions {
  store: ScoreStore
  hub: ProgressHub
  /** Least time between two progress events of a running job (state changes are always sent). */
  progressIntervalMs?: number
}

/** The job this process is running now. */
interface ActiveJob {
  id: string
  controller: AbortController
  finished: Promise<void>
}

/** Runs jobs in the background, one at a time, in the order they were started or resumed. */
export class JobManager {
  readonly #store: ScoreStore
  readonly #hub: ProgressHub
  readonly #interval: number
  readonly #queue: string[] = []
  #active: ActiveJob | null = null
  #loop: Promise<void> | null = null
  #disposed = false

  constructor(options: JobManagerOptions) {
    this.#store = options.store
    this.#hub = options.hub
    this.#interval = options.progressIntervalMs ?? 200
  }

  /** Creates a job for `archs` (already validated) and queues it; returns its id. */
  start(spec: JobSpec, archs: readonly string[]): string {
    this.#assertOpen()
    const id = createJob(this.#store, spec, archs)
    this.#enqueue(id)
    return id
  }

  /** Queues a paused, failed or interrupted job again; it continues from its last committed score. */
  resume(id: string): JobView {
    this.#assertOpen()
    const job = requireJob(this.#store, id)
    if (this.#active?.id === id) throw new EpsinasError('BUSY', `Job ${id} is still running or stopping here; wait for it to stop, then resume it.`)
    if (this.#queue.includes(id)) return jobView(job)
    const status = jobStatus(job)
    if (status === 'running') throw new EpsinasError('BUSY', `Job ${id} is running in another process (${job.runnerPid}); pause it there first.`)
    if (status === 'done' || status === 'cancelled') throw new EpsinasError('BAD_ARGUMENT', `Job ${id} is ${status}; start a new job instead (cached scores are reused).`)
    this.#store.jobs.setState(id, 'queued')
    this.#enqueue(id)
    return jobView(requireJob(this.#store, id))
  }

  /** Pauses a job (resumable); when this process runs it, resolves once it has stopped. */
  pause(id: string): Promise<JobView> {
    return this.#stop(id, 'paused')
  }

  /** Cancels a job for good (its finished scores stay cached); resolves once it has stopped. */
  cancel(id: string): Promise<JobView> {
    return this.#stop(id, 'cancelled')
  }

  /** Resolves when no job is running or queued here. */
  async idle(): Promise<void> {
    while (this.#loop) await this.#loop
  }

  /** Pauses the running job (it can be resumed later, here or by the CLI) and stops taking work. */
  async dispose(): Promise<void> {
    this.#disposed = true
    this.#queue.length = 0
    this.#active?.controller.abort()
    await this.idle()
  }

  async #stop(id: string, as: 'paused' | 'cancelled'): Promise<JobView> {
    const job = requireJob(this.#store, id)
    const status = jobStatus(job)
    if (status === 'done' || status === 'cancelled') throw new EpsinasError('BAD_ARGUMENT', `Job ${id} is already ${status}.`)
    requestStop(this.#store, id, as)
    const queued = this.#queue.indexOf(id)
    if (queued >= 0) this.#queue.splice(queued, 1)
    const active = this.#active
    if (active?.id === id) {
      active.controller.abort()
      await active.finished
    } else {
      this.#emit(id, null)
    }
    return jobView(requireJob(this.#store, id))
  }

  #enqueue(id: string): void {
    this.#queue.push(id)
    this.#emit(id, null)
    this.#kick()
  }

  /** Starts the queue loop unless it runs; a job queued while the loop was ending restarts it. */
  #kick(): void {
    if (this.#loop || this.#disposed) return
    this.#loop = this.#drain().finally(() => {
      this.#loop = null
      if (this.#queue.length > 0) this.#kick()
    })
  }

  async #drain(): Promise<void> {
    for (let id = this.#queue.shift(); id !== undefined && !this.#disposed; id = this.#queue.shift()) {
      // A job paused or cancelled while it waited (here or from the CLI) is skipped.
      if (this.#store.jobs.get(id)?.state !== 'queued') continue
      const controller = new AbortController()
      let settle = (): void => {}
      const finished = new Promise<void>((resolve) => (settle = resolve))
      this.#active = { id, controller, finished }
      try {
        await this.#run(id, controller.signal)
      } finally {
        this.#active = null
        settle()
      }
    }
  }

  async #run(id: string, signal: AbortSignal): Promise<void> {
    let last: ScoreProgress | null = null
    let lastEmit = Number.NEGATIVE_INFINITY
    const onProgress = (progress: ScoreProgress): void => {
      last = progress
      const now = performance.now()
      if (now - lastEmit < this.#interval && progress.done < progress.total) return
      lastEmit = now
      this.#hub.emit({ jobId: id, ...progress, state: 'running' })
    }
    try {
      await runJob(this.#store, id, { signal, onProgress })
    } catch {
      // runJob has recorded the failure (state 'failed' with its message); the event below reports it.
    }
    this.#emit(id, last)
  }

  /** Sends the job's stored state, with the rate and ETA of its last progress when known. */
  #emit(id: string, progress: ScoreProgress | null): void {
    const job = this.#store.jobs.get(id)
    if (!job) return
    const state = jobStatus(job)
    const event: ProgressEvent = {
      jobId: id,
      done: job.done,
      total: job.total,
      nan: job.nan,
      failed: job.failed,
      rate: progress?.rate ?? 0,
      etaSeconds: state === 'done' ? 0 : null,
      state,
    }
    this.#hub.emit(event)
  }

  #assertOpen(): void {
    if (this.#disposed) throw new EpsinasError('BUSY', 'The workbench is shutting down; start the job again after it restarts.')
  }
}
