import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import type { ScoreTask, ScoreTaskResult } from './score-task.ts'
import { EpsinasError } from '../../shared/errors.ts'

/** A pool of scoring worker threads; one task per idle worker, tasks queue beyond that. */
export interface ScorePool {
  readonly workers: number
  run(task: ScoreTask, signal?: AbortSignal): Promise<ScoreTaskResult[]>
  close(): Promise<void>
}

/** How piscina 5 reports a worker's message for a task it no longer holds (dist/index.js, onMessage). */
const STRAY_RESULT = 'Unexpected message from Worker'

/** Default worker count: one per core (the kernels are single-threaded and CPU-bound). */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism())
}

/**
 * The worker entry file: the TypeScript source through its tsx bootstrap when we run from source
 * (CLI, tests), the bundled score-worker.js beside this module when electron-vite built us.
 */
function workerFile(): string {
  // tsx may append a query to the module URL: look at the path only.
  const runningFromSource = new URL(import.meta.url).pathname.endsWith('.ts')
  return fileURLToPath(new URL(runningFromSource ? './score-worker.bootstrap.mjs' : './score-worker.js', import.meta.url))
}

/** Starts `workers` scoring threads (they start lazily with the first tasks). */
export function createScorePool(workers: number = defaultWorkerCount()): ScorePool {
  const piscina = new Piscina<ScoreTask, ScoreTaskResult[]>({
    filename: workerFile(),
    minThreads: workers,
    maxThreads: workers,
    // Keep finished workers: their minibatch and buffers are reused by the next task.
    idleTimeout: 60_000,
  })
  // A worker that cannot start (missing bundle, loader failure) is reported through 'error'; without a
  // listener it would crash the process. Keep it and reject the tasks with it.
  let poolError: Error | null = null
  piscina.on('error', (error: unknown) => {
    // A task aborted while it runs (a pause or cancel) terminates its worker; a result that worker
    // had already posted still arrives, for a task piscina has forgotten (and rejected): harmless,
    // and it must not fail every later task of the pool (an app reuses one pool for many jobs).
    if (error instanceof Error && error.message.startsWith(STRAY_RESULT)) return
    poolError = error instanceof Error ? error : new Error(String(error))
  })
  return {
    workers,
    run: async (task, signal) => {
      if (poolError) throw workerFailure(poolError)
      try {
        return await piscina.run(task, signal ? { signal } : {})
      } catch (error) {
        if (signal?.aborted) throw error
        throw workerFailure(poolError ?? (error instanceof Error ? error : new Error(String(error))))
      }
    },
    close: () => piscina.destroy(),
  }
}

function workerFailure(error: Error): EpsinasError {
  return error instanceof EpsinasError ? error : new EpsinasError('WORKER_FAILED', `scoring worker failed: ${error.message}`)
}
