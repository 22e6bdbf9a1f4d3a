/**
 * The owner's side of one GPU worker, whatever carries its messages: the desktop app's hidden
 * window (electron-workers.ts, a MessagePortMain) or a test's headless Chromium page. The caller
 * gives a way to send a request and feeds every message the worker sends into `receive`.
 */
import { deserializeError, EpsinasError } from '../../shared/errors.ts'
import type { GpuArchResult, GpuJob, GpuWorkerMessage, GpuWorkerRequest } from './protocol.ts'

/** Progress of a GPU job, shaped like a CPU job's (done of total, the latest arch). */
export interface GpuJobProgress {
  done: number
  total: number
  result: GpuArchResult
}

/** A running job: cancel stops it after the arch in flight; `finished` has every result so far. */
export interface GpuJobHandle {
  cancel(): void
  finished: Promise<{ results: GpuArchResult[]; cancelled: boolean }>
}

/** One GPU worker as its owner sees it. */
export interface GpuWorker {
  /** The backend the worker's tfjs runs on and why, or BACKEND_UNAVAILABLE (no adapter, bad readback). */
  ready: Promise<{ backend: string; reason: string }>
  run(job: GpuJob, onProgress: (progress: GpuJobProgress) => void): GpuJobHandle
}

/** A worker client plus the two hooks its transport calls: every message, and the worker's end. */
export interface GpuWorkerClient {
  worker: GpuWorker
  receive(message: GpuWorkerMessage): void
  /** The transport is gone (window crashed, page closed): the job in flight and `ready` fail with it. */
  lost(reason: string): void
}

export function gpuWorkerClient(send: (request: GpuWorkerRequest) => void): GpuWorkerClient {
  let listener: ((message: GpuWorkerMessage) => void) | null = null
  let resolveReady: (value: { backend: string; reason: string }) => void = () => {}
  let rejectReady: (error: Error) => void = () => {}
  const ready = new Promise<{ backend: string; reason: string }>((resolve, reject) => {
    resolveReady = resolve
    rejectReady = reject
  })
  // A rejected `ready` nobody awaited yet must not become an unhandled rejection.
  ready.catch(() => {})
  return {
    receive(message) {
      if (message.type === 'ready') resolveReady({ backend: message.backend, reason: message.reason })
      else if (message.type === 'error' && !listener) rejectReady(deserializeError(message.error))
      else listener?.(message)
    },
    lost(reason) {
      const gone = new EpsinasError('BACKEND_UNAVAILABLE', `the GPU worker stopped (${reason})`)
      rejectReady(gone)
      listener?.({ type: 'error', error: { code: gone.code, message: gone.message } })
    },
    worker: {
      ready,
      run(job, onProgress) {
        const results: GpuArchResult[] = []
        const finished = new Promise<{ results: GpuArchResult[]; cancelled: boolean }>((resolve, reject) => {
          listener = (message) => {
            if (message.type === 'result') {
              results.push(message.result)
              onProgress({ done: message.done, total: message.total, result: message.result })
            } else if (message.type === 'done') {
              listener = null
              resolve({ results, cancelled: message.cancelled })
            } else if (message.type === 'error') {
              listener = null
              reject(deserializeError(message.error))
            }
          }
        })
        send({ type: 'run', job })
        return { cancel: () => send({ type: 'cancel' }), finished }
      },
    },
  }
}

/**
 * What a GPU job runs on: the desktop app's hidden windows, or in the e2e test a headless Chromium
 * page running the same worker bundle. One job at a time (one device queue per worker).
 */
export interface GpuWorkerPool {
  /** A worker that said `ready` (opened on first use), or BACKEND_UNAVAILABLE saying why not. */
  acquire(): Promise<GpuWorker>
  close(): Promise<void>
}
