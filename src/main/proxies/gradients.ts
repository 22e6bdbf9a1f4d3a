import type { Tensor } from '@tensorflow/tfjs-core'
import { activateBackend, type TfjsRuntime } from '../core/backends/tfjs/runtime.ts'
import { forward, imageTensor, layerTensors, type ForwardOptions } from './network.ts'
import type { ProxyBatch, ProxyNetwork } from './proxy.ts'
import { crossEntropy } from './labels.ts'

/** One conv/linear layer's weight and the gradient of the objective at it, same (tfjs) layout. */
export interface WeightGradient {
  readonly weight: Float32Array
  readonly gradient: Float32Array
}

/**
 * The gradient of `objective(output)` with respect to every conv/linear weight (biases and BatchNorm
 * held constant: the measures read layer.weight.grad only), by tfjs autodiff. `transform` maps the
 * stored values first (synflow's abs).
 */
export function weightGradients(
  runtime: TfjsRuntime,
  network: ProxyNetwork,
  input: { data: Float32Array; shape: readonly [number, number, number, number] },
  objective: (output: Tensor) => Tensor,
  options: ForwardOptions,
  transform?: (values: Float32Array) => Float32Array,
): WeightGradient[] {
  const { tf } = runtime
  activateBackend(runtime)
  // Results leave tf.tidy through a variable: tidy walks whatever it returns, typed arrays element by element.
  let result: WeightGradient[] = []
  tf.tidy(() => {
    const layers = layerTensors(tf, network.parameters, transform)
    const nodes = [...layers.keys()]
    const weights = nodes.map((id) => layers.get(id)!.weight)
    const x = imageTensor(tf, input.data, input.shape)
    const gradients = tf.grads((...ws: Tensor[]) => {
      const current = new Map(nodes.map((id, k) => [id, { weight: ws[k], bias: layers.get(id)!.bias }]))
      return objective(forward(tf, network.graph, current, x, options))
    })(weights)
    result = weights.map((w, k) => ({ weight: w.dataSync() as Float32Array, gradient: gradients[k].dataSync() as Float32Array }))
  })
  return result
}

/**
 * The cross-entropy weight gradients of a network on a batch (snip and grad_norm read the same
 * backward pass): the last one is kept per network object, so the second proxy reuses it.
 */
const lastLossGradients = new WeakMap<ProxyNetwork, { batch: ProxyBatch; runtime: TfjsRuntime; gradients: WeightGradient[] }>()

export function lossGradients(runtime: TfjsRuntime, network: ProxyNetwork, batch: ProxyBatch): WeightGradient[] {
  const last = lastLossGradients.get(network)
  if (last && last.batch === batch && last.runtime === runtime) return last.gradients
  const gradients = weightGradients(runtime, network, batch, (logits) => crossEntropy(runtime.tf, logits, batch.labels, batch.classes), { batchnorm: true })
  lastLossGradients.set(network, { batch, runtime, gradients })
  return gradients
}

/** The gradient of sum(output) with respect to the input images (NHWC order, per image contiguous): [N, H*W*C]. */
export function inputGradient(runtime: TfjsRuntime, network: ProxyNetwork, input: { data: Float32Array; shape: readonly [number, number, number, number] }, options: ForwardOptions): Float32Array {
  const { tf } = runtime
  activateBackend(runtime)
  let result = new Float32Array(0)
  tf.tidy(() => {
    const layers = layerTensors(tf, network.parameters)
    const x = imageTensor(tf, input.data, input.shape)
    const gradient = tf.grad((images: Tensor) => tf.sum(forward(tf, network.graph, layers, images, options)))(x)
    result = new Float32Array(gradient.dataSync())
  })
  return result
}
