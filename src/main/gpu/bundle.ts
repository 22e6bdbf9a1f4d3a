import { writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { GPU_ASSETS, GPU_PORT_MESSAGE } from './assets.ts'

/** The GPU worker's entry (browser code). */
export const GPU_WORKER_ENTRY = resolve(import.meta.dirname, 'worker-entry.ts')


/**
 * Bundles the GPU worker into one classic script (IIFE: it runs as a Web Worker or as a page's
 * script alike) for a browser: tfjs-core, the gradients, the WebGPU backend, the engine and the
 * proxies. Fails, naming the module, if anything it pulls in needs Node.
 */
export async function bundleGpuWorker(outFile: string): Promise<void> {
  await build({
    entryPoints: [GPU_WORKER_ENTRY],
    outfile: outFile,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'silent',
  })
}

/**
 * The desktop app's GPU window: a page that runs the worker script itself (a hidden renderer is
 * the worker), and a sandboxed preload that hands it the port from the main process. Electron's
 * documented pattern: the isolated preload world forwards the port with window.postMessage.
 */
export async function writeGpuWorkerAssets(folder: string): Promise<void> {
  await bundleGpuWorker(join(folder, GPU_ASSETS.script))
  const page = `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self' file:"><title>epsinas GPU worker</title><script src="${GPU_ASSETS.script}"></script>\n`
  const preload = `const { ipcRenderer } = require('electron')\nipcRenderer.once(${JSON.stringify(GPU_PORT_MESSAGE)}, (event) => window.postMessage(${JSON.stringify(GPU_PORT_MESSAGE)}, '*', event.ports))\n`
  await writeFile(join(folder, GPU_ASSETS.page), page)
  await writeFile(join(folder, GPU_ASSETS.preload), preload)
}
