import type { Tensor } from '@tensorflow/tfjs-core'
import type { Node } from '../core/ir/graph.ts'
import { activateBackend, type TfjsRuntime } from '../core/backends/tfjs/runtime.ts'
import { lossGradients, weightGradients, type WeightGradient } from './gradients.ts'
import { crossEntropy } from './labels.ts'
import { forward, imageTensor, layerTensors, type ForwardOptions } from './network.ts'
import type { LayerParameters, NetworkParameters } from './parameters.ts'
import { finiteOrNull, type Proxy, type ProxyBatch, type ProxyNetwork } from './proxy.ts'

/**
 * The central difference's step as a fraction of the weights' norm: eps ||g|| = STEP ||theta||. Chosen
 * against the float64 PyTorch values of tests/proxies and on an NB201 net (truncation error grows as
 * STEP^2, float32 round-off as 1e-7 / STEP): 1e-3 sits between the two; 3e-4 is round-off on NB201.
 */
export const GRASP_RELATIVE_STEP = 1e-3

/**
 * GraSP (Wang et al., ICLR 2020; NASLib `grasp`, T = 1, one iteration): g = dL/dtheta of the
 * cross-entropy over every conv/linear weight (held constant), Hg = the Hessian of L times g, and
 * the score is sum over those weights of -theta * Hg. BatchNorm in train mode.
 *
 * NASLib gets Hg by double backprop (autograd.grad with create_graph, then d(g . grad L)/dtheta).
 * Here the convolution's weight gradient is a hand-written forward convolution (network.ts: tfjs-wasm
 * has no Conv2DBackpropFilter), whose own gradient needs that missing kernel, so a second derivative
 * through autodiff is not available. Hg is the directional derivative of the gradient along g,
 * taken by a central difference of two more gradient passes: Hg = (grad L(theta + eps g) -
 * grad L(theta - eps g)) / (2 eps), with every ReLU's on/off pattern frozen at theta (reluMasks), so
 * that the difference sees the same piecewise-smooth function double backprop differentiates: O(eps^2)
 * plus float32 round-off / eps. That matches PyTorch on small networks (tests/proxies) but on a full
 * NB201 network the value still moves by ~15 % between steps 3e-3 and 1e-3 (docs/proxies.md): an
 * approximation there. g comes from the backward pass snip and grad_norm share. (Max pooling's argmax is not
 * frozen: NB201 has none; where a net has it, a switch between the two passes adds to Hg.)
 */
export const graspProxy: Proxy = {
  id: 'grasp',
  title: 'GraSP',
  needs: { forward: true, gradients: true, labels: true },
  caveat: 'approximate: Hg is a central difference of gradients, whose truncation error on NB201 networks reaches 33x (Spearman -0.19 with the published grasp, 0.94 for an exact Hg; docs/proxies.md)',
  compute(network, batch, { runtime }) {
    return graspScore(runtime, network, batch, GRASP_RELATIVE_STEP)
  },
}

/** The score with the central difference's step eps ||g|| = relativeStep ||theta||. */
export function graspScore(runtime: TfjsRuntime, network: ProxyNetwork, batch: ProxyBatch, relativeStep: number): number | null {
  const { tf } = runtime
  const base = lossGradients(runtime, network, batch)
  const gradientNorm = Math.sqrt(sumOver(base, (l) => squares(l.gradient)))
  if (gradientNorm === 0) return 0
  const step = (relativeStep * Math.sqrt(sumOver(base, (l) => squares(l.weight)))) / gradientNorm
  const torchGradients = base.map((layer, k) => torchLayout(network.parameters.layers[k], layer.gradient))
  const masks = reluMasks(runtime, network, batch)
  try {
    const frozen: ForwardOptions = { batchnorm: true, relu: (node, x) => tf.mul(x, tf.cast(masks.get(node)!, 'float32')) }
    const plus = shiftedGradients(runtime, network, batch, torchGradients, step, frozen)
    const minus = shiftedGradients(runtime, network, batch, torchGradients, -step, frozen)
    let score = 0
    base.forEach(({ weight }, k) => {
      for (let i = 0; i < weight.length; i++) score -= weight[i] * ((plus[k].gradient[i] - minus[k].gradient[i]) / (2 * step))
    })
    return finiteOrNull(score)
  } finally {
    for (const mask of masks.values()) mask.dispose()
  }
}

/**
 * Every ReLU's on/off pattern at theta (1 where its input is positive), per ReLU node. The shifted
 * passes multiply by these instead of applying the ReLU: a ReLU's second derivative is 0 wherever it
 * is defined, which is what double backprop computes, whereas a difference across a unit that turns
 * on or off between theta - eps g and theta + eps g adds a jump / (2 eps) that does not shrink with eps
 * (on an NB201 net the unfrozen difference moved by 2.5x between steps 3e-3, 1e-3 and 3e-4).
 */
function reluMasks(runtime: TfjsRuntime, network: ProxyNetwork, batch: ProxyBatch): Map<number, Tensor> {
  const { tf } = runtime
  activateBackend(runtime)
  const masks = new Map<number, Tensor>()
  tf.tidy(() => {
    const record = (node: Node, inputs: readonly Tensor[]): void => {
      if (node.op.kind === 'relu') masks.set(node.id, tf.keep(tf.greater(inputs[0], tf.scalar(0)))) // bool: a quarter of float32's memory
    }
    forward(tf, network.graph, layerTensors(tf, network.parameters), imageTensor(tf, batch.data, batch.shape), { batchnorm: true, release: true, onNode: record })
  })
  return masks
}

/** The loss gradients at theta + step g (every conv/linear weight moved along its own gradient). */
function shiftedGradients(runtime: TfjsRuntime, network: ProxyNetwork, batch: ProxyBatch, gradients: Float32Array[], step: number, options: ForwardOptions): WeightGradient[] {
  const parameters: NetworkParameters = {
    layers: network.parameters.layers.map((layer, k) => ({ ...layer, weight: layer.weight.map((w, i) => w + step * gradients[k][i]) })),
  }
  return weightGradients(runtime, { graph: network.graph, parameters }, batch, (logits) => crossEntropy(runtime.tf, logits, batch.labels, batch.classes), options)
}

/** tfjs layout (conv [kh, kw, in/groups, out], linear [in, out]) -> the layer's PyTorch layout (parameters.ts). */
function torchLayout(layer: LayerParameters, values: Float32Array): Float32Array {
  const out = new Float32Array(values.length)
  if (layer.kind === 'conv') {
    const [outChannels, inPerGroup, kh, kw] = layer.weightShape
    for (let o = 0; o < outChannels; o++)
      for (let c = 0; c < inPerGroup; c++)
        for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) out[((o * inPerGroup + c) * kh + y) * kw + x] = values[((y * kw + x) * inPerGroup + c) * outChannels + o]
  } else {
    const [outFeatures, features] = layer.weightShape
    for (let o = 0; o < outFeatures; o++) for (let i = 0; i < features; i++) out[o * features + i] = values[i * outFeatures + o]
  }
  return out
}

function squares(values: Float32Array): number {
  let sum = 0
  for (const v of values) sum += v * v
  return sum
}

function sumOver(layers: readonly WeightGradient[], f: (layer: WeightGradient) => number): number {
  return layers.reduce((sum, layer) => sum + f(layer), 0)
}
