/**
 * The desktop app's GPU workers: hidden renderer windows owned by the main process, each fed jobs
 * through a MessagePort (the main process never waits on them: everything is a message). Thin
 * Electron glue, never launched in tests: the code it runs (serve.ts, evaluate.ts) is tested in
 * Node on tfjs-wasm (tests/gpu) and in headless Chromium on WebGPU (tests/e2e/webgpu.test.ts).
 */
import { join } from 'node:path'
import { BrowserWindow, MessageChannelMain, type MessagePortMain } from 'electron'
import { deserializeError, EpsinasError } from '../../shared/errors.ts'
import { GPU_ASSETS, GPU_PORT_MESSAGE } from './bundle.ts'
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

export interface GpuWorker {
  /** The backend the window's tfjs runs on and why, or BACKEND_UNAVAILABLE (no adapter). */
  ready: Promise<{ backend: string; reason: string }>
  run(job: GpuJob, onProgress: (progress: GpuJobProgress) => void): GpuJobHandle
  close(): void
}

/** Opens one hidden GPU window from the folder scripts/build-gpu-worker.ts writes (out/gpu). */
export function openGpuWorker(assetsFolder: string): GpuWorker {
  const window = new BrowserWindow({
    show: false,
    webPreferences: { preload: join(assetsFolder, GPU_ASSETS.preload), sandbox: true, contextIsolation: true, nodeIntegration: false, backgroundThrottling: false },
  })
  const { port1, port2 } = new MessageChannelMain()
  let listener: ((message: GpuWorkerMessage) => void) | null = null
  let resolveReady: (value: { backend: string; reason: string }) => void = () => {}
  let rejectReady: (error: Error) => void = () => {}
  const ready = new Promise<{ backend: string; reason: string }>((resolve, reject) => {
    resolveReady = resolve
    rejectReady = reject
  })
  port1.on('message', ({ data }: { data: GpuWorkerMessage }) => {
    if (data.type === 'ready') resolveReady({ backend: data.backend, reason: data.reason })
    else if (data.type === 'error' && !listener) rejectReady(deserializeError(data.error))
    else listener?.(data)
  })
  port1.start()
  window.webContents.once('did-finish-load', () => window.webContents.postMessage(GPU_PORT_MESSAGE, null, [port2]))
  window.webContents.once('render-process-gone', (_event, details) => {
    const gone = new EpsinasError('BACKEND_UNAVAILABLE', `the GPU worker window stopped (${details.reason})`)
    rejectReady(gone)
    listener?.({ type: 'error', error: { code: gone.code, message: gone.message } })
  })
  void window.loadFile(join(assetsFolder, GPU_ASSETS.page))

  const send = (port: MessagePortMain, request: GpuWorkerRequest): void => port.postMessage(request)
  return {
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
      send(port1, { type: 'run', job })
      return { cancel: () => send(port1, { type: 'cancel' }), finished }
    },
    close() {
      port1.close()
      if (!window.isDestroyed()) window.destroy()
    },
  }
}
