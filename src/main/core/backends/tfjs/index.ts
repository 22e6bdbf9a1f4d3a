/** TensorFlow.js engine: full-width execution of the IR on tfjs-node-gpu, tfjs-node, wasm or cpu. */

/** A loaded TensorFlow.js, its backend ids and the request type `loadTfjs` takes. */
export type { TfjsBackendId, TfjsRequest, TfjsRuntime } from './runtime.ts'
/** Makes a runtime's backend the active one (runGraphTfjs does this itself). */
export { activateBackend } from './runtime.ts'
/** Loads (once per process) the requested backend, or the best available one for `auto`. */
export { loadTfjs } from './load.ts'
/** Runs a graph at any width on a loaded runtime; NCHW in, row-major output out. */
export { runGraphTfjs } from './execute.ts'
