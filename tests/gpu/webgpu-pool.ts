/**
 * A GpuWorkerPool backed by a real headless Chromium page running the real worker bundle on
 * WebGPU (SwiftShader): what the desktop app's hidden windows are, minus Electron. The same
 * owner-side client (src/main/gpu/worker-client.ts) the app uses; only the transport differs.
 */
import { gpuWorkerClient, type GpuWorkerPool } from '../../src/main/gpu/worker-client.ts'
import { openGpuWorkerPage, type GpuWorkerPage } from './webgpu-page.ts'

export async function openChromiumGpuPool(): Promise<GpuWorkerPool> {
  let page: GpuWorkerPage | null = null
  const client = gpuWorkerClient((request) => {
    // Requests are sent only after acquire(), so after the page is open.
    const opened = page as GpuWorkerPage
    const sent = request.type === 'run' ? opened.run(request.job) : opened.cancel()
    sent.catch((error: unknown) => client.lost(`the page could not take the request: ${String(error)}`))
  })
  page = await openGpuWorkerPage({ onMessage: (message) => client.receive(message) })
  let closed: Promise<void> | null = null
  return {
    async acquire() {
      await client.worker.ready
      return client.worker
    },
    close: () => (closed ??= (page as GpuWorkerPage).close()),
  }
}
