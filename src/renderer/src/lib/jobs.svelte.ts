/** State of the Runs page: the job list kept live by progress events, and the results of the selected job. */
import type { JobView, ProgressEvent, ScoreListItem, ScoresListRequest, StartScoreRequest, Unsubscribe } from '../../../shared/api.ts'
import { messageOf, type ApiClient } from './api-client.ts'

/** Rate and ETA of a running job, from its last progress event. */
export interface LiveProgress {
  rate: number
  etaSeconds: number | null
}

/** The scores:list request that shows a score job's results. */
export function resultsRequest(job: JobView): ScoresListRequest {
  const c = job.config
  return { space: c.space, dataset: c.dataset, input: c.input, inputSeed: c.inputSeed, batchSize: c.batchSize, weights: c.pairs[0], engine: c.engine, backend: c.backend }
}

/** Jobs, live progress, the selected job's results and the last error. */
export class JobsState {
  jobs = $state<JobView[]>([])
  live = $state<Record<string, LiveProgress>>({})
  selectedId = $state<string | null>(null)
  results = $state.raw<ScoreListItem[]>([])
  resultsLoading = $state(false)
  error = $state<string | null>(null)

  readonly #client: ApiClient
  #unsubscribe: Unsubscribe | null = null
  #lastResultsLoad = 0

  constructor(client: ApiClient) {
    this.#client = client
  }

  /** The selected job, if it is still listed. */
  get selected(): JobView | null {
    return this.jobs.find((j) => j.id === this.selectedId) ?? null
  }

  /** Subscribes to progress and loads the jobs; returns the cleanup. */
  start(): () => void {
    this.#unsubscribe = this.#client.on('jobs:progress', (event) => this.#onProgress(event))
    void this.refresh()
    return () => this.#unsubscribe?.()
  }

  async refresh(): Promise<void> {
    try {
      const jobs = await this.#client.request('jobs:list', undefined)
      this.jobs = jobs.sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      if (this.selectedId === null) {
        const first = this.jobs.find((j) => j.kind === 'score')
        if (first) this.select(first.id)
      }
    } catch (error) {
      this.error = messageOf(error)
    }
  }

  /** Starts a scoring job and selects it. */
  async startScore(request: StartScoreRequest): Promise<boolean> {
    try {
      const { jobId } = await this.#client.request('jobs:start-score', request)
      this.error = null
      await this.refresh()
      this.select(jobId)
      return true
    } catch (error) {
      this.error = messageOf(error)
      return false
    }
  }

  async control(id: string, action: 'pause' | 'cancel' | 'resume'): Promise<void> {
    try {
      const view = await this.#client.request(`jobs:${action}`, { id })
      this.#replace(view)
      this.error = null
    } catch (error) {
      this.error = messageOf(error)
    }
  }

  select(id: string): void {
    this.selectedId = id
    this.results = []
    void this.loadResults()
  }

  async loadResults(): Promise<void> {
    const job = this.selected
    if (!job || job.kind !== 'score') return
    this.resultsLoading = true
    this.#lastResultsLoad = performance.now()
    try {
      this.results = await this.#client.request('scores:list', resultsRequest(job))
    } catch (error) {
      this.error = messageOf(error)
    } finally {
      this.resultsLoading = false
    }
  }

  #replace(view: JobView): void {
    const known = this.jobs.some((j) => j.id === view.id)
    this.jobs = known ? this.jobs.map((j) => (j.id === view.id ? view : j)) : [view, ...this.jobs]
  }

  #onProgress(event: ProgressEvent): void {
    const job = this.jobs.find((j) => j.id === event.jobId)
    if (!job) {
      void this.refresh()
      return
    }
    const stateChanged = job.state !== event.state
    this.#replace({ ...job, done: event.done, total: event.total, nan: event.nan, failed: event.failed, state: event.state })
    this.live = { ...this.live, [event.jobId]: { rate: event.rate, etaSeconds: event.etaSeconds } }
    // Results are re-read when the selected job stops or finishes, and every few seconds while it runs,
    // not on every tick (each read is the whole configuration's scores).
    if (event.jobId !== this.selectedId) return
    const stale = performance.now() - this.#lastResultsLoad > 3000
    if ((stateChanged && event.state !== 'running') || (event.state === 'running' && stale && !this.resultsLoading)) void this.loadResults()
  }
}
