/**
 * jobs:start-gpu: full-width epsilon (and native proxies) for a list of archs on the serving
 * process's GPU workers (WebGPU in hidden Chromium windows). The job is an ordinary job record, so
 * jobs:list/get show it, jobs:cancel and jobs:pause stop it (through the store, as they stop a job of
 * another process) and its progress goes to the same hub. Scores land in the score cache under
 * engine `full/tfjs-webgpu@...`, proxies in native_proxy_scores under `full/tfjs-webgpu@proxies.N`.
 * The main process only exchanges messages with the worker: it never blocks on the GPU.
 */
import type { ProgressEvent, StartGpuScoreRequest, StartScoreResponse } from '../../../shared/api.ts'
import { EpsinasError, serializeError } from '../../../shared/errors.ts'
import { selectArchs } from '../../cli/arch-selection.ts'
import { engineKey } from '../../core/scoring/index.ts'
import { TFJS_BACKEND_NAMES, type TfjsBackendId } from '../../core/backends/tfjs/runtime.ts'
import { inputCacheKey } from '../../data/index.ts'
import { prepareGpuJob } from '../../gpu/job.ts'
import type { GpuArchResult } from '../../gpu/protocol.ts'
import type { GpuWorkerPool } from '../../gpu/worker-client.ts'
import { createJob, jobStatus } from '../../jobs/job-runner.ts'
import type { JobSpec } from '../../jobs/job-spec.ts'
import { processIdentity } from '../../jobs/process-identity.ts'
import { getProxy } from '../../proxies/registry.ts'
import { openProxyScoreStore, type ProxyScoreKey } from '../../store/proxy-scores.ts'
import type { ScoreStore } from '../../store/index.ts'
import { proxyScoreKey } from '../proxies.ts'
import { cacheArchs } from '../scoring.ts'
import { checkScoreParameters, checkWeightPair, scoreKeyShape } from '../score-parameters.ts'
import type { ProgressHub } from './progress-hub.ts'

/** The backend the app's GPU workers run on: part of their cache keys, never mixed with the CPU backends' scores. */
export const GPU_BACKEND = 'tfjs-webgpu'

/** A worker's `ready` backend as a cache-key backend; anything else is a worker this build does not know. */
function knownBackend(backend: string): TfjsBackendId {
  if (!Object.hasOwn(TFJS_BACKEND_NAMES, backend)) throw new EpsinasError('INTERNAL', `the GPU worker runs on an unknown backend '${backend}'`)
  return backend as TfjsBackendId
}

/** How often a running GPU job looks for a cancel or pause recorded in the store (as runJob does). */
const CHECK_INTERVAL_MS = 200

export interface GpuJobsOptions {
  store: ScoreStore
  hub: ProgressHub
  /** The GPU workers of this process; null where there are none (the CLI, a bridge without them). */
  pool: GpuWorkerPool | null
}

/** Starts GPU jobs one at a time (one device queue) and runs them in the background. */
export class GpuJobs {
  readonly #options: GpuJobsOptions
  #running: Promise<void> | null = null
  #stopAll: (() => void) | null = null

  constructor(options: GpuJobsOptions) {
    this.#options = options
  }

  /** Whether jobs:start-gpu can run here at all (the Runs page offers the choice only then). */
  get available(): boolean {
    return this.#options.pool !== null
  }

  /** Checks the request, waits for a ready worker, records the job and starts it; returns at once after. */
  async start(request: StartGpuScoreRequest): Promise<StartScoreResponse> {
    const { store, pool } = this.#options
    if (!pool) throw new EpsinasError('BACKEND_UNAVAILABLE', 'no GPU workers in this process: GPU jobs run in the desktop app (docs/gpu.md)')
    if (this.#running) throw new EpsinasError('BUSY', 'a GPU job is already running; wait for it or cancel it')
    checkScoreParameters(request)
    checkWeightPair(request.weights)
    const archs = await selectArchs(request.space, request.archs)
    const initSeed = request.initSeed ?? 0
    const gpuJob = await prepareGpuJob({ ...request, initSeed, proxies: request.proxies ?? [] }, archs)
    const input = await inputCacheKey(request.input, request.dataset)
    const worker = await pool.acquire()
    // Keyed by the backend the worker says it runs on (tfjs-webgpu in the app's windows), so a
    // score is never filed under a backend that did not compute it.
    const backend = knownBackend((await worker.ready).backend)
    // From here to #running being set nothing awaits: two requests cannot both get past this check.
    if (this.#running) throw new EpsinasError('BUSY', 'a GPU job is already running; wait for it or cancel it')
    const spec: JobSpec = {
      kind: 'score',
      space: request.space,
      dataset: request.dataset,
      input: request.input,
      inputSeed: request.inputSeed,
      batchSize: request.batchSize,
      engine: 'full',
      backend,
      workers: 1,
      pairs: [[request.weights[0], request.weights[1]]],
    }
    const id = createJob(store, spec, archs)
    store.jobs.setState(id, 'running', { runnerPid: process.pid, runnerIdentity: processIdentity(process.pid) })
    this.#emit(id, 0)

    const { classes, imageSize } = scoreKeyShape(request.space, request.dataset)
    const { space, dataset, inputSeed, batchSize, weights } = request
    const configId = store.configId({ space, dataset, classes, imageSize, input, inputSeed, batchSize, weights, engine: engineKey({ engine: 'full', backend }) })
    const proxyKey = (proxy: string): ProxyScoreKey => proxyScoreKey({ ...request, initSeed }, getProxy(proxy), backend, input)
    const cacheNames = cacheArchs(request.space, archs)
    const proxyStore = gpuJob.proxies.length > 0 ? openProxyScoreStore(store.path) : null
    let done = 0
    let nan = 0
    const started = performance.now()
    const record = (result: GpuArchResult): void => {
      const arch = cacheNames.get(result.arch) ?? result.arch
      store.putMany(configId, [{ arch, epsilon: result.epsilon, nanReason: result.nanReason, ms: result.ms, canonical: null }])
      for (const [proxy, value] of Object.entries(result.proxies)) proxyStore?.put(proxyKey(proxy), { arch, value, ms: result.ms })
      done++
      if (result.epsilon === null) nan++
      store.jobs.setProgress(id, { done, nan, failed: 0 })
      this.#emit(id, done / ((performance.now() - started) / 1000))
    }

    // A cancel or pause from jobs:cancel/jobs:pause (or the CLI) lands in the store; pass it on.
    let stoppedAs: 'paused' | 'cancelled' | null = null
    const stop = (as: 'paused' | 'cancelled'): void => {
      if (stoppedAs) return
      stoppedAs = as
      handle.cancel()
    }
    const lookForStop = (): void => {
      const state = store.jobs.get(id)?.state
      if (state === 'paused' || state === 'cancelled') stop(state)
    }
    // A result that cannot be stored (a busy or full disk) fails the job; it must not throw inside the port's listener.
    let storeError: unknown = null
    const handle = worker.run(gpuJob, ({ result }) => {
      try {
        record(result)
        lookForStop()
      } catch (error) {
        storeError ??= error
        handle.cancel()
      }
    })
    const checks = setInterval(() => {
      try {
        lookForStop()
      } catch {
        // a busy file: looked at again at the next tick
      }
    }, CHECK_INTERVAL_MS)
    this.#stopAll = () => stop('paused')
    this.#running = handle.finished
      .then(({ cancelled }) => {
        if (storeError !== null) throw storeError
        store.jobs.setState(id, cancelled ? (stoppedAs ?? 'paused') : 'done', { error: null })
      })
      .catch((error: unknown) => {
        try {
          store.jobs.setState(id, 'failed', { error: serializeError(error).message })
        } catch {
          // the cache file itself is unusable: nothing left to record the failure in
        }
      })
      .finally(() => {
        clearInterval(checks)
        proxyStore?.close()
        this.#running = null
        this.#stopAll = null
        this.#emit(id, 0)
      })
    return { jobId: id, total: archs.length }
  }

  /** Pauses the running GPU job (resumable as a new job: cached results stay) and waits for it to stop. */
  async dispose(): Promise<void> {
    this.#stopAll?.()
    await this.#running
    await this.#options.pool?.close()
  }

  #emit(id: string, rate: number): void {
    const job = this.#options.store.jobs.get(id)
    if (!job) return
    const state = jobStatus(job)
    const event: ProgressEvent = { jobId: id, done: job.done, total: job.total, nan: job.nan, failed: job.failed, rate, etaSeconds: state === 'done' ? 0 : null, state }
    this.#options.hub.emit(event)
  }
}
