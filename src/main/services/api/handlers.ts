/**
 * The service layer behind the shared API: one handler per channel over a real score store and
 * the background job manager. IPC (src/main/index.ts) and the HTTP bridge both dispatch to it.
 */
import type { ApiChannel, ApiRequest, ApiResponse } from '../../../shared/api.ts'
import { defaultWorkerCount } from '../../jobs/worker-pool.ts'
import type { ScoreStore } from '../../store/index.ts'
import { dataDirectory } from '../paths.ts'
import { appInfo } from './app-info.ts'
import { JobManager } from './job-manager.ts'
import { ProgressHub } from './progress-hub.ts'
import { listScores } from './scores.ts'
import { startScore } from './start-score.ts'
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
}

/** The handlers with the progress hub they report to; `dispose` pauses running jobs and drops subscribers. */
export interface ApiServices {
  handlers: ApiHandlers
  progress: ProgressHub
  jobs: JobManager
  dispose(): Promise<void>
}

/** Creates the services over an open store. */
export function createApiServices(options: ApiServicesOptions): ApiServices {
  const { store } = options
  const workers = options.workers ?? defaultWorkerCount()
  const progress = new ProgressHub()
  const jobs = new JobManager({ store, hub: progress, progressIntervalMs: options.progressIntervalMs })
  const handlers: ApiHandlers = {
    'app:info': () => appInfo({ store, version: options.version, workers, dataDir: options.dataDir ?? dataDirectory() }),
    'scores:list': (request) => listScores(store, request),
    'jobs:list': async () => store.jobs.list().map(jobView),
    'jobs:get': async ({ id }) => jobDetails(store, id),
    'jobs:start-score': (request) => startScore(jobs, request, workers),
    'jobs:pause': ({ id }) => jobs.pause(id),
    'jobs:cancel': ({ id }) => jobs.cancel(id),
    'jobs:resume': async ({ id }) => jobs.resume(id),
    'weights:select': (request) => selectWeights(store, request),
  }
  return {
    handlers,
    progress,
    jobs,
    async dispose() {
      await jobs.dispose()
      progress.dispose()
    },
  }
}
