import { EpsinasError } from '../../../../shared/errors.ts'

/**
 * TensorFlow.js backends the engine can run on, fastest first. `tfjs-webgpu` runs in a browser
 * context only (the desktop app's GPU workers, src/main/gpu/): the engine reads results
 * synchronously, which tfjs-backend-webgpu 4.22 does through an OffscreenCanvas that Node lacks.
 */
export type TfjsBackendId = 'tfjs-node-gpu' | 'tfjs-node' | 'tfjs-webgpu' | 'tfjs-wasm' | 'tfjs-cpu'

/** What `loadTfjs` accepts: one backend, or `auto` for the first that loads. */
export type TfjsRequest = 'auto' | TfjsBackendId

/** A loaded TensorFlow.js: the core API, the backend it runs on, and why that one (one line for the UI/CLI). */
export interface TfjsRuntime {
  tf: typeof import('@tensorflow/tfjs-core')
  backend: TfjsBackendId
  reason: string
}

/** Name each backend registers under inside tfjs (both node packages register `tensorflow`). */
export const TFJS_BACKEND_NAMES: Readonly<Record<TfjsBackendId, string>> = {
  'tfjs-node-gpu': 'tensorflow',
  'tfjs-node': 'tensorflow',
  'tfjs-webgpu': 'webgpu',
  'tfjs-wasm': 'wasm',
  'tfjs-cpu': 'cpu',
}

/**
 * Makes `runtime`'s backend the active one. tfjs keeps one active backend per process, so two
 * runtimes (wasm and cpu in the same test run) would otherwise run on whichever loaded last.
 */
export function activateBackend(runtime: TfjsRuntime): void {
  const name = TFJS_BACKEND_NAMES[runtime.backend]
  if (runtime.tf.getBackend() === name) return
  // setBackend only awaits while a backend initialises; loadTfjs has already initialised this one,
  // so the switch completes before the promise is returned (checked just below).
  void runtime.tf.setBackend(name)
  if (runtime.tf.getBackend() !== name) {
    throw new EpsinasError('BACKEND_UNAVAILABLE', `${runtime.backend}: could not switch TensorFlow.js to backend '${name}'`)
  }
}
