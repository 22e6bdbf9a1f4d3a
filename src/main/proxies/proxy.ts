import type { Graph } from '../core/ir/graph.ts'
import type { TfjsRuntime } from '../core/backends/tfjs/runtime.ts'
import type { NetworkParameters } from './parameters.ts'

/** The network a proxy scores: its graph (full width, at the batch's size) and its random weights. */
export interface ProxyNetwork {
  readonly graph: Graph
  readonly parameters: NetworkParameters
}

/** The minibatch: NCHW images and, for the proxies that take a loss, a class label per image. */
export interface ProxyBatch {
  readonly shape: readonly [number, number, number, number]
  readonly data: Float32Array
  /** One label in [0, classes) per image (synthetic and seeded unless the input has labels; see labels.ts). */
  readonly labels: Int32Array
  readonly classes: number
}

export interface ProxyOptions {
  /** The TensorFlow.js the proxy runs on (forward passes and autodiff). */
  readonly runtime: TfjsRuntime
}

/**
 * One zero-cost proxy. `compute` returns the score, or null where the proxy is undefined for the
 * network (a non-finite result: a singular NASWOT kernel, a synflow past float32's range).
 */
export interface Proxy {
  /** Name on the command line, in the cache and in CSV columns: the name NASLib's Suite-Zero file uses. */
  readonly id: string
  readonly title: string
  /** What it needs: a forward pass on tfjs (false: a closed form from the graph), gradients (autodiff), labels (a loss). */
  readonly needs: { readonly forward: boolean; readonly gradients: boolean; readonly labels: boolean }
  /** Where our values are known to differ from the proxy's reference, said with every run that computes it (docs/proxies.md). */
  readonly caveat?: string
  /**
   * Bumped when this proxy's own definition changes its values (absent: 1); part of its cache key, so
   * values of an earlier revision are never served as current ones. PROXY_REVISION covers them all.
   */
  readonly revision?: number
  compute(network: ProxyNetwork, batch: ProxyBatch, options: ProxyOptions): number | null
}

/** A finite number, or null. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null
}
