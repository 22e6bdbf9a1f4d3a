/**
 * The desktop app's GPU workers: hidden renderer windows owned by the main process, each fed jobs
 * through a MessagePort (the main process never waits on them: everything is a message). Thin
 * Electron glue, never launched in tests: the code it runs (serve.ts, evaluate.ts) is tested in
 * Node on tfjs-wasm (tests/gpu) and in headless Chromium on WebGPU (tests/e2e/webgpu.test.ts).
 */
import { join } from 'node:path'
import { BrowserWindow, MessageChannelMain } from 'electron'
import { GPU_ASSETS, GPU_PORT_MESSAGE } from './assets.ts'
import type { GpuWorkerMessage, GpuWorkerRequest } from './protocol.ts'
import { gpuWorkerClient, type GpuWorker, type GpuWorkerPool } from './worker-client.ts'

/** What the main process holds of one hidden GPU window. */
export interface ElectronGpuWorker extends GpuWorker {
  close(): void
}

/** Opens one hidden GPU window from the folder scripts/build-gpu-worker.ts writes (out/gpu). */
export function openGpuWorker(assetsFolder: string): ElectronGpuWorker {
  const window = new BrowserWindow({
    show: false,
    webPreferences: { preload: join(assetsFolder, GPU_ASSETS.preload), sandbox: true, contextIsolation: true, nodeIntegration: false, backgroundThrottling: false },
  })
  const { port1, port2 } = new MessageChannelMain()
  const client = gpuWorkerClient((request: GpuWorkerRequest) => port1.postMessage(request))
  port1.on('message', ({ data }: { data: GpuWorkerMessage }) => client.receive(data))
  port1.start()
  window.webContents.once('did-finish-load', () => window.webContents.postMessage(GPU_PORT_MESSAGE, null, [port2]))
  window.webContents.once('render-process-gone', (_event, details) => client.lost(details.reason))
  void window.loadFile(join(assetsFolder, GPU_ASSETS.page))
  return {
    ...client.worker,
    close() {
      port1.close()
      if (!window.isDestroyed()) window.destroy()
    },
  }
}

/**
 * The desktop app's pool: one hidden GPU window, opened on the first GPU job and kept (its shaders
 * stay compiled); a window that failed to get ready is closed and the next job opens a new one.
 */
export function electronGpuWorkerPool(assetsFolder: string): GpuWorkerPool {
  let current: ElectronGpuWorker | null = null
  return {
    async acquire() {
      const worker = (current ??= openGpuWorker(assetsFolder))
      try {
        await worker.ready
        return worker
      } catch (error) {
        worker.close()
        if (current === worker) current = null
        throw error
      }
    },
    async close() {
      current?.close()
      current = null
    },
  }
}
