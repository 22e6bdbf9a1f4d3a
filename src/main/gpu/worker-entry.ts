/**
 * Entry of a GPU scoring worker, bundled for the browser (src/main/gpu/bundle.ts): a Web Worker
 * that waits for one message carrying a MessagePort, then serves jobs on that port with tfjs on
 * WebGPU. Its owner (the desktop app's hidden GPU window, or a test page) creates the worker and
 * hands it the port whose other end the main process (or the test) holds.
 */
import { serveGpuJobs } from './serve.ts'
import { loadWebGpuRuntime } from './webgpu-runtime.ts'
import type { GpuWorkerMessage, GpuWorkerRequest, PortLike } from './protocol.ts'

/** The worker's global scope, as far as it is used here (the node tsconfig has no WebWorker lib). */
declare const self: { onmessage: ((event: { ports: readonly PortLike<GpuWorkerRequest, GpuWorkerMessage>[] }) => void) | null }

self.onmessage = (event) => {
  const port = event.ports[0]
  if (!port) return
  self.onmessage = null
  serveGpuJobs(port, loadWebGpuRuntime)
}
