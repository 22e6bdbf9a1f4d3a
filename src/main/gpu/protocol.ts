import type { DatasetId, NanReason, SpaceId, WeightPair } from '../../shared/types.ts'
import type { SerializedError } from '../../shared/errors.ts'

/**
 * The messages between a GPU scoring worker (a browser context running tfjs on WebGPU) and its
 * owner (the desktop app's main process, or a test page). Plain structured-clone data: they cross
 * MessagePorts. The owner prepares the minibatch (it may read installed data from disk; the worker
 * cannot), the worker only computes.
 */

/** One job: full-width epsilon and some native proxies for a list of archs, on one minibatch. */
export interface GpuJob {
  space: SpaceId
  dataset: DatasetId
  archs: string[]
  /** The weight pair of epsilon (the space's default unless the user chose another). */
  weights: WeightPair
  /** NCHW images, the same for epsilon and the proxies, and a label per image for proxies with a loss. */
  batch: { shape: [number, number, number, number]; data: Float32Array; labels: Int32Array; classes: number }
  /** Seed of the proxies' random initialisation (proxies/parameters.ts). */
  initSeed: number
  /** Native proxy ids (proxies/registry.ts). */
  proxies: string[]
}

/** What one arch gave: epsilon (null: NaN, with the reason) and each proxy (null: undefined for it). */
export interface GpuArchResult {
  arch: string
  epsilon: number | null
  nanReason: NanReason | null
  proxies: Record<string, number | null>
  ms: number
}

/** Owner -> worker. A second `run` while one runs is refused with an error message. */
export type GpuWorkerRequest = { type: 'run'; job: GpuJob } | { type: 'cancel' }

/** Worker -> owner: `ready` once per worker (its backend and why), then per job results, and `done` or `error`. */
export type GpuWorkerMessage =
  | { type: 'ready'; backend: string; reason: string }
  | { type: 'result'; done: number; total: number; result: GpuArchResult }
  | { type: 'done'; cancelled: boolean }
  | { type: 'error'; error: SerializedError }

/** The part of a MessagePort the worker and its owners use (browser, Web Worker and Electron ports alike). */
export interface PortLike<In, Out> {
  postMessage(message: Out): void
  onmessage: ((event: { data: In }) => void) | null
}
