/**
 * The GPU worker in Debian's headless Chromium: a static server on 127.0.0.1 (a secure context,
 * which navigator.gpu needs) serving a page and the bundled worker, and a Chromium that offers
 * WebGPU on SwiftShader (CPU-emulated Vulkan: correct, not fast).
 */
import { createServer, type Server } from 'node:http'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { chromiumPath } from '../e2e/browser.ts'
import { bundleGpuWorker } from '../../src/main/gpu/bundle.ts'
import { SWIFTSHADER_SWITCHES, WEBGPU_LINUX_SWITCHES } from '../../src/main/gpu/chromium-switches.ts'
import type { GpuJob, GpuWorkerMessage } from '../../src/main/gpu/protocol.ts'

/**
 * The page owns the worker as the desktop app's hidden GPU window does: it creates it, hands it one
 * end of a MessageChannel and keeps the other, where every message from the worker is recorded.
 */
const PAGE = `<!doctype html><meta charset="utf-8"><title>gpu worker</title><script>
const channel = new MessageChannel()
const worker = new Worker('gpu-worker.js')
worker.postMessage('connect', [channel.port2])
window.gpuMessages = []
channel.port1.onmessage = (event) => {
  window.gpuMessages.push(event.data)
  if (window.gpuReport) window.gpuReport(event.data)
}
window.gpuSend = (message) => channel.port1.postMessage(message)
</script>`

/**
 * Flags that give headless Chromium a WebGPU adapter without a GPU (SwiftShader), with the 2D canvas
 * on SwiftShader's Vulkan too, which tfjs-backend-webgpu's synchronous readback needs (docs/gpu.md):
 * the desktop app's Linux switches plus SwiftShader (src/main/gpu/chromium-switches.ts).
 */
export const WEBGPU_SWIFTSHADER_FLAGS = [...WEBGPU_LINUX_SWITCHES, ...SWIFTSHADER_SWITCHES] as const

export interface GpuWorkerPage {
  page: Page
  /** Sends a job (typed arrays travel as plain arrays through playwright, rebuilt in the page). */
  run(job: GpuJob): Promise<void>
  cancel(): Promise<void>
  /** Waits until the worker has sent a message satisfying `until`, then returns every message so far. */
  messages(until: (messages: GpuWorkerMessage[]) => boolean, timeoutMs: number): Promise<GpuWorkerMessage[]>
  close(): Promise<void>
}

/** `onMessage`: every message of the worker, pushed to Node as it arrives (a pool's transport). */
export async function openGpuWorkerPage(options: { onMessage?: (message: GpuWorkerMessage) => void } = {}): Promise<GpuWorkerPage> {
  const folder = mkdtempSync(join(tmpdir(), 'epsinas-gpu-'))
  await bundleGpuWorker(join(folder, 'gpu-worker.js'))
  const worker = readFileSync(join(folder, 'gpu-worker.js'))
  const server: Server = createServer((request, response) => {
    if (request.url === '/gpu-worker.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(worker)
    else if (request.url === '/') response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE)
    else response.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no server address')
  let browser: Browser | null = null
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage', ...WEBGPU_SWIFTSHADER_FLAGS],
    })
    const page = await browser.newPage()
    if (options.onMessage) await page.exposeFunction('gpuReport', options.onMessage)
    await page.goto(`http://127.0.0.1:${address.port}/`)
    const opened = browser
    return {
      page,
      run: (job) =>
        page.evaluate(
          ({ job, data, labels }) => {
            const send = (globalThis as unknown as { gpuSend: (message: unknown) => void }).gpuSend
            send({ type: 'run', job: { ...job, batch: { ...job.batch, data: new Float32Array(data), labels: new Int32Array(labels) } } })
          },
          { job: { ...job, batch: { ...job.batch, data: [], labels: [] } }, data: Array.from(job.batch.data), labels: Array.from(job.batch.labels) },
        ),
      cancel: () => page.evaluate(() => (globalThis as unknown as { gpuSend: (message: unknown) => void }).gpuSend({ type: 'cancel' })),
      async messages(until, timeoutMs) {
        const read = (): Promise<GpuWorkerMessage[]> => page.evaluate(() => (globalThis as unknown as { gpuMessages: GpuWorkerMessage[] }).gpuMessages)
        const deadline = Date.now() + timeoutMs
        for (;;) {
          const messages = await read()
          if (until(messages)) return messages
          if (Date.now() > deadline) throw new Error(`the GPU worker did not get there in ${timeoutMs} ms; its messages: ${JSON.stringify(messages).slice(0, 400)}`)
          await page.waitForTimeout(100)
        }
      },
      async close() {
        await opened.close()
        server.close()
        rmSync(folder, { recursive: true, force: true })
      },
    }
  } catch (error) {
    await browser?.close()
    server.close()
    rmSync(folder, { recursive: true, force: true })
    throw error
  }
}
