import { loadTfjs, type TfjsRequest, type TfjsRuntime } from '../core/backends/tfjs/index.ts'

/** Backends the proxies run on: those of the full-width engine (`auto`: tfjs-node-gpu > tfjs-node > wasm > cpu). */
export type ProxyBackend = TfjsRequest

let gradientsRegistered: Promise<void> | null = null

/**
 * TensorFlow.js for the proxies, with tfjs's gradient functions registered. tfjs-core alone
 * registers none (Sum, Conv2D... have no gradient until something registers them); the
 * @tensorflow/tfjs package's Node bundle registers all of them on the same tfjs-core instance when
 * it loads (its registries are process globals). wasm lacks one gradient kernel, which
 * network.ts works around (convolve).
 */
export async function loadProxyRuntime(requested: ProxyBackend): Promise<TfjsRuntime> {
  gradientsRegistered ??= import('@tensorflow/tfjs').then(() => undefined)
  await gradientsRegistered
  return loadTfjs(requested)
}
