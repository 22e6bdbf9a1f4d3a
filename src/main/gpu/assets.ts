/**
 * Names shared by the GPU worker window's build (bundle.ts, which needs esbuild) and the main
 * process that opens it (electron-workers.ts): kept apart so the app never loads esbuild.
 */

/** The files of a GPU worker window, in one folder (out/gpu beside out/main). */
export const GPU_ASSETS = { script: 'gpu-worker.js', page: 'gpu-host.html', preload: 'gpu-preload.cjs' } as const

/** The IPC message that carries the worker's MessagePort from the main process to its window. */
export const GPU_PORT_MESSAGE = 'epsinas-gpu-port'
