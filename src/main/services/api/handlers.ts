/**
 * The service layer behind the shared API: one handler per channel over a real score store and
 * the background job manager. IPC (src/main/index.ts) and the HTTP bridge both dispatch to it.
 */
import type { ApiChannel, ApiRequest, ApiResponse, BenchmarkProgressEvent } from '../../../shared/api.ts'
import type { RetryPolicy } from '../../benchmarks/download/index.ts'
import { openBenchmarkStore, type BenchmarkStore } from '../../store/benchmarks.ts'
import { defaultWorkerCount } from '../../jobs/worker-pool.ts'
import type { ScoreStore } from '../../store/index.ts'
import { dataDirectory } from '../paths.ts'
import { appInfo } from './app-info.ts'
import { BenchmarkManager } from './benchmarks.ts'
import { clearScoreCache } from './cache.ts'
import { compareScores } from './compare.ts'
import { listSweeps, startSweep } from './sweeps.ts'
import { JobManager } from './job-manager.ts'
import { ProgressHub } from './progress-hub.ts'
import { listScores } from './scores.ts'
import { importSpaceView, listSpaceViews, removeSpace, showSpace } from './spaces.ts'
import { loadUserSpaces } from '../../user-spaces/index.ts'
import { startScore } from './start-score.ts'
import { GpuJobs } from './gpu-jobs.ts'
import type { GpuWorkerPool } from '../../gpu/worker-client.ts'
import { searchStudy } from './studies.ts'
import { listStoredStudies } from '../studies-store.ts'
import { jobDetails, jobView } from './views.ts'
import { selectWeights } from './weights.ts'

/** One function per channel, taking an already validated request. */
export type ApiHandlers = { [C in ApiChannel]: (request: ApiRequest<C>) => Promise<ApiResponse<C>> }

/** What the services are built from; the caller owns the store and closes it after `dispose`. */
export interface ApiServicesOptions {
  store: ScoreStore
  /** The app version (Electron's app.getVersion(), or package.json for the CLI). */
  version: string
  /** Worker threads per job when a request names none; default one per core. */
  workers?: number
  /** Where downloads and benchmark data live; default $EPSINAS_HOME or ~/.epsinas. */
  dataDir?: string
  /** Least time between two progress events of one job. */
  progressIntervalMs?: number
  /** Catalogue file of downloadable benchmarks; default the bundled one. */
  cataloguePath?: string
  /** Retries of benchmark downloads (tests shorten the delays). */
  downloadRetry?: RetryPolicy
  /** GPU workers for jobs:start-gpu (the desktop app's hidden windows); none by default. */
  gpuPool?: GpuWorkerPool
}

/** The handlers with the progress hubs they report to; `dispose` pauses running jobs, stops downloads and drops subscribers. */
export interface ApiServices {
  handlers: ApiHandlers
  progress: ProgressHub
  /** Benchmark download and conversion events. */
  benchmarkProgress: ProgressHub<BenchmarkProgressEvent>
  jobs: JobManager
  benchmarks: BenchmarkManager
  dispose(): Promise<void>
}

/** Creates the services over an open store. */
export function createApiServices(options: ApiServicesOptions): ApiServices {
  const { store } = options
  const workers = options.workers ?? defaultWorkerCount()
  const dataDir = options.dataDir ?? dataDirectory()
  // The user spaces stored beside the data, registered before any request names one.
  loadUserSpaces({ dataDir, warn: (line) => process.stderr.write(`${line}\n`) })
  const progress = new ProgressHub()
  const benchmarkProgress = new ProgressHub<BenchmarkProgressEvent>()
  const jobs = new JobManager({ store, hub: progress, progressIntervalMs: options.progressIntervalMs })
  const gpuJobs = new GpuJobs({ store, hub: progress, pool: options.gpuPool ?? null })
  // The benchmark tables live in the score cache file; their own connection is opened on first use.
  let benchmarkStore: BenchmarkStore | null = null
  const benchmarkTables = (): BenchmarkStore => (benchmarkStore ??= openBenchmarkStore(store.path))
  const benchmarks = new BenchmarkManager({
    dataDir,
    cataloguePath: options.cataloguePath,
    hub: benchmarkProgress,
    database: store.path,
    retry: options.downloadRetry,
    progressIntervalMs: options.progressIntervalMs,
  })
  const handlers: ApiHandlers = {
    'app:info': () => appInfo({ store, version: options.version, workers, dataDir, gpuWorkers: gpuJobs.available }),
    'scores:list': (request) => listScores(store, request),
    'jobs:list': async () => store.jobs.list().map(jobView),
    'jobs:get': async ({ id }) => jobDetails(store, id),
    'jobs:start-score': (request) => startScore(jobs, request, workers),
    'jobs:start-gpu': (request) => gpuJobs.start(request),
    'jobs:pause': ({ id }) => jobs.pause(id),
    'jobs:cancel': ({ id }) => jobs.cancel(id),
    'jobs:resume': async ({ id }) => jobs.resume(id),
    'weights:select': (request) => selectWeights(store, request),
    'benchmarks:list': () => benchmarks.list(),
    'benchmarks:download': ({ id, mirror }) => benchmarks.download(id, mirror),
    'benchmarks:cancel': ({ id }) => benchmarks.cancel(id),
    'benchmarks:import': ({ id, path }) => benchmarks.import(id, path),
    'benchmarks:verify': ({ id }) => benchmarks.verify(id),
    'benchmarks:remove': ({ id }) => benchmarks.remove(id),
    'benchmarks:convert': ({ id }) => benchmarks.convert(id),
    'sweeps:start': (request) => startSweep({ jobs, defaultWorkers: workers, dataDir, benchmarks: benchmarkTables }, request),
    'sweeps:list': async () => listSweeps(store),
    'compare:get': (request) => compareScores(store, benchmarkTables(), request),
    'cache:clear': () => clearScoreCache(store, benchmarkTables()),
    'spaces:list': async () => listSpaceViews(dataDir),
    'spaces:import': async (request) => importSpaceView(request, dataDir),
    'spaces:remove': async ({ name }) => removeSpace(name, dataDir),
    'spaces:show': async ({ name }) => showSpace(name, dataDir),
    'studies:search': (request) => searchStudy(store, benchmarkTables(), request),
    'studies:list': async () => listStoredStudies(store.path),
  }
  return {
    handlers,
    progress,
    benchmarkProgress,
    jobs,
    benchmarks,
    async dispose() {
      await Promise.all([jobs.dispose(), benchmarks.dispose(), gpuJobs.dispose()])
      progress.dispose()
      benchmarkProgress.dispose()
      benchmarkStore?.close()
    },
  }
}
