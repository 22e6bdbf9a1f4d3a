import type { TfjsRuntime } from '../core/backends/tfjs/runtime.ts'
import { EpsinasError, serializeError } from '../../shared/errors.ts'
import { runGpuJob } from './evaluate.ts'
import type { GpuWorkerMessage, GpuWorkerRequest, PortLike } from './protocol.ts'

/**
 * Serves GPU jobs on a port: says `ready` with the backend once the runtime has loaded (or `error`
 * when it cannot), then runs each `run` request to `done`, sending a `result` per arch; `cancel`
 * stops a running job after its current arch. One job at a time per port (one worker = one device
 * queue); a second `run` meanwhile gets an error and the first goes on.
 */
export function serveGpuJobs(port: PortLike<GpuWorkerRequest, GpuWorkerMessage>, loadRuntime: () => Promise<TfjsRuntime>): void {
  const runtime = loadRuntime()
  let running = false
  let cancelled = false
  runtime.then(
    (loaded) => port.postMessage({ type: 'ready', backend: loaded.backend, reason: loaded.reason }),
    (error: unknown) => port.postMessage({ type: 'error', error: serializeError(error) }),
  )
  port.onmessage = ({ data }) => {
    if (data.type === 'cancel') {
      cancelled = true
      return
    }
    if (running) {
      port.postMessage({ type: 'error', error: serializeError(new EpsinasError('BAD_ARGUMENT', 'this GPU worker is already running a job; cancel it or use another worker')) })
      return
    }
    running = true
    cancelled = false
    const total = data.job.archs.length
    runtime
      .then((loaded) =>
        runGpuJob(loaded, data.job, {
          isCancelled: () => cancelled,
          onResult: (result, done) => port.postMessage({ type: 'result', done, total, result }),
        }),
      )
      .then(
        (outcome) => port.postMessage({ type: 'done', cancelled: outcome.cancelled }),
        (error: unknown) => port.postMessage({ type: 'error', error: serializeError(error) }),
      )
      .finally(() => {
        running = false
      })
  }
}
