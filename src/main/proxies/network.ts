import type { GradSaveFunc, Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core'
import type { Graph, ImportedOp, Node } from '../core/ir/graph.ts'
import { isImportedOp } from '../core/ir/graph.ts'
import { poolDivisors } from '../core/ir/window2d.ts'
import { runImportedTfjs } from '../core/backends/tfjs/imported.ts'
import { sliceChannels } from '../core/backends/tfjs/execute.ts'
import type { TfjsRuntime } from '../core/backends/tfjs/runtime.ts'
import { EpsinasError } from '../../shared/errors.ts'
import type { NetworkParameters } from './parameters.ts'
import { maxPoolWithGradient } from './max-pool.ts'

type Tf = TfjsRuntime['tf']

/**
 * The IR on TensorFlow.js with a weight tensor per layer: the network the proxies differentiate.
 * The full-width engine (backends/tfjs/execute.ts) has one constant weight for the whole network,
 * so it cannot serve here; the weightless ops (pooling, the imported elementwise ops) are its own,
 * reused through runImportedTfjs. Tensors are NHWC inside, as there. Batch-size agnostic: the
 * graph's batch dimension is never read, so synflow runs the same graph on one all-ones image.
 */

/** One layer's tensors in tfjs layout: conv filter [kh, kw, in/groups, out], linear [in, out]. */
export interface LayerTensors {
  readonly weight: Tensor
  readonly bias: Tensor | null
}

export interface ForwardOptions {
  /** false: BatchNorm is the identity (NASLib's copy of the net with bn=False, which synflow uses). */
  readonly batchnorm: boolean
  /** Called with the input of every ReLU (NASWOT's hook reads the binary codes of it). */
  readonly onRelu?: (input: Tensor) => void
  /**
   * Free each intermediate after its last consumer (forward-only proxies: a full-width batch holds
   * megabytes per tensor). Never under a gradient function, whose tape needs them.
   */
  readonly release?: boolean
  /**
   * Per conv/linear node, a tensor added to the layer's output (zeros: the value is unchanged), so
   * that a gradient with respect to it is the gradient at the layer's output (fisher's hook).
   */
  readonly probes?: ReadonlyMap<number, Tensor>
  /** Called with every conv/linear layer's output (before its probe is added). */
  readonly onLayer?: (node: number, output: Tensor) => void
  /** Called with every node's inputs and output, inside the node's tidy scope (zen's BatchNorm inputs, MeCo's feature maps). */
  readonly onNode?: (node: Node, inputs: readonly Tensor[], output: Tensor) => void
  /** Replaces a ReLU node's op (grasp: the ReLU with its on/off pattern frozen, x * mask). */
  readonly relu?: (node: number, input: Tensor) => Tensor
}

/** The parameters as tfjs tensors (the caller disposes them, or makes them inside tf.tidy), keyed by node id. */
export function layerTensors(tf: Tf, parameters: NetworkParameters, transform: (values: Float32Array) => Float32Array = (v) => v): Map<number, LayerTensors> {
  const tensors = new Map<number, LayerTensors>()
  for (const layer of parameters.layers) {
    const values = transform(layer.weight)
    let weight: Tensor
    if (layer.kind === 'conv') {
      const [out, inPerGroup, kh, kw] = layer.weightShape
      weight = tf.transpose(tf.tensor4d(values, [out, inPerGroup, kh, kw]), [2, 3, 1, 0])
    } else {
      const [out, features] = layer.weightShape
      weight = tf.transpose(tf.tensor2d(values, [out, features]))
    }
    tensors.set(layer.node, { weight, bias: layer.bias ? tf.tensor1d(transform(layer.bias)) : null })
  }
  return tensors
}

/** NCHW data -> the NHWC input tensor. */
export function imageTensor(tf: Tf, data: Float32Array, shape: readonly [number, number, number, number]): Tensor4D {
  return tf.transpose(tf.tensor4d(data, [...shape]), [0, 2, 3, 1])
}

/**
 * Runs `graph` on `input` (NHWC) with `layers` and returns the output tensor. Call it inside
 * tf.tidy or a gradient function: every intermediate is kept, as the gradient tape needs them.
 */
export function forward(tf: Tf, graph: Graph, layers: ReadonlyMap<number, LayerTensors>, input: Tensor, options: ForwardOptions): Tensor {
  const values: Tensor[] = new Array(graph.nodes.length)
  const remainingUses = new Array<number>(graph.nodes.length).fill(0)
  for (const node of graph.nodes) for (const i of node.inputs) remainingUses[i]++
  remainingUses[graph.output]++
  for (const node of graph.nodes) {
    if (node.op.kind === 'input') {
      values[node.id] = input
      continue
    }
    const run = (): Tensor => {
      const inputs = node.inputs.map((i) => values[i])
      const output = probed(tf, node.id, runNode(tf, graph, node, inputs, layers, options), layers, options)
      options.onNode?.(node, inputs, output)
      return output
    }
    values[node.id] = options.release ? tf.tidy(run) : run()
    if (!options.release) continue
    for (const i of node.inputs) {
      if (--remainingUses[i] === 0 && i !== graph.input) values[i].dispose()
    }
  }
  return values[graph.output]
}

/** A conv/linear layer's output as onLayer sees it and with its probe added. */
function probed(tf: Tf, node: number, output: Tensor, layers: ReadonlyMap<number, LayerTensors>, options: ForwardOptions): Tensor {
  if (!layers.has(node)) return output
  options.onLayer?.(node, output)
  const probe = options.probes?.get(node)
  return probe ? tf.add(output, probe) : output
}

/** One node's output from its inputs' values (no probe added): forward's step, and tangents.ts's for the linear ops. */
export function runNode(tf: Tf, graph: Graph, node: Node, inputs: Tensor[], layers: ReadonlyMap<number, LayerTensors>, options: ForwardOptions): Tensor {
  const x = inputs[0]
  const op = node.op
  const layer = (): LayerTensors => {
    const found = layers.get(node.id)
    if (!found) throw new EpsinasError('INTERNAL', `${node.label}: no parameters`)
    return found
  }
  if (isImportedOp(op)) {
    if (op.kind === 'conv') return groupedConv(tf, x as Tensor4D, layer().weight as Tensor4D, op)
    if (op.kind === 'pool') return pool(tf, x as Tensor4D, node, op)
    // The weightless imported ops, as the full-width engine runs them (channel multiplicities are 1 at full width).
    return runImportedTfjs(tf, op, node, inputs, new Array<number>(x.shape[x.rank - 1]).fill(1), 1)
  }
  switch (op.kind) {
    case 'conv2d': {
      const padded = tf.pad(x, [[0, 0], [op.pad, op.pad], [op.pad, op.pad], [0, 0]]) as Tensor4D
      return convolve(tf, padded, layer().weight as Tensor4D, [op.stride, op.stride], [1, 1])
    }
    case 'linear': {
      const { weight, bias } = layer()
      const product = tf.matMul(x as Tensor2D, weight as Tensor2D)
      return bias ? tf.add(product, bias) : product
    }
    case 'batchnorm':
      return options.batchnorm ? trainModeBatchnorm(tf, x, op.eps) : x
    case 'relu':
      options.onRelu?.(x)
      return options.relu ? options.relu(node.id, x) : tf.relu(x)
    case 'avgpool':
    case 'maxpool': {
      const window = { kernel: [op.kernel, op.kernel], stride: [op.stride, op.stride], dilation: [1, 1], pads: [op.pad, op.pad, op.pad, op.pad] } as const
      const countIncludePad = op.kind === 'avgpool' && op.countIncludePad
      return pool(tf, x as Tensor4D, node, { kind: 'pool', mode: op.kind === 'avgpool' ? 'avg' : 'max', window, countIncludePad, ceilMode: false })
    }
    case 'zero':
      return tf.mul(x, tf.scalar(0))
    case 'add':
      return inputs.slice(1).reduce((sum, term) => tf.add(sum, term), x)
    case 'globalavgpool': {
      const [, height, width] = x.shape
      return tf.div(tf.sum(x, [1, 2]), tf.scalar(height * width))
    }
    case 'concat':
      return tf.concat(inputs, x.rank - 1)
    case 'channelslice':
      return sliceChannels(tf, x, op.start, op.size)
    case 'regroup':
      return tf.gather(x, tf.tensor1d([...op.sources], 'int32'), x.rank - 1)
    default:
      throw new EpsinasError('BAD_ARGUMENT', `${node.label}: the native proxies do not support op '${op.kind}' (image networks only)`)
  }
}

/**
 * Pooling with ops whose gradients every backend has (the full-width engine's tap fold uses
 * stridedSlice, which has no gradient in tfjs): average = tf.avgPool of the zero-padded input scaled
 * to each position's divisor (ir/window2d.ts), max = tf.maxPool over -inf padding (padding never wins)
 * with a gradient of our own (max-pool.ts: tfjs-wasm's loses some).
 * Dilated or ceil-mode windows keep the engine's fold: right forward, no gradient.
 */
function pool(tf: Tf, x: Tensor4D, node: Node, op: Extract<ImportedOp, { kind: 'pool' }>): Tensor {
  const { kernel, stride, dilation, pads } = op.window
  if (op.ceilMode || dilation[0] !== 1 || dilation[1] !== 1) return runImportedTfjs(tf, op, node, [x], [], 1)
  const [top, left, bottom, right] = pads
  const [, h, w] = x.shape
  const padding: [number, number][] = [[0, 0], [top, bottom], [left, right], [0, 0]]
  const strides: [number, number] = [stride[0], stride[1]]
  const size: [number, number] = [kernel[0], kernel[1]]
  if (op.mode === 'max') return maxPoolWithGradient(tf, tf.pad(x, padding, Number.NEGATIVE_INFINITY) as Tensor4D, size, strides)
  // avgPool over the zero-padded input divides by kh * kw; rescale to each position's own divisor.
  const means = tf.avgPool(tf.pad(x, padding) as Tensor4D, size, strides, 'valid')
  const [, oh, ow] = means.shape
  const divisors = poolDivisors(op.window, h, w, oh, ow, op.countIncludePad)
  const rescale = Float32Array.from(divisors, (d) => (kernel[0] * kernel[1]) / d)
  return tf.mul(means, tf.tensor4d(rescale, [1, oh, ow, 1]))
}

/**
 * A 'valid' convolution of an already padded input whose gradient runs on every backend: tfjs-wasm
 * has no Conv2DBackpropFilter kernel, so the filter's gradient is itself a forward convolution.
 * With the batch as channels: dW[i, j, c, o] = sum over n, p, q of x[n, p*s + i, q*s + j, c] *
 * dy[n, p, q, o], which is conv2d(x as [c, H, W, n], dy as the filter [oh, ow, n, o]) with the
 * forward's stride s as dilation, cut to kh x kw. The input's gradient is conv2dTranspose
 * (Conv2DBackpropInput), which takes no dilation: dilated layers are refused.
 */
export function convolve(tf: Tf, x: Tensor4D, filter: Tensor4D, strides: [number, number], dilations: [number, number]): Tensor4D {
  const run = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const [input, weights, save] = args as [Tensor, Tensor, GradSaveFunc]
    const value = tf.conv2d(input as Tensor4D, weights as Tensor4D, strides, 'valid', 'NHWC', dilations)
    save([input, weights])
    const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor[] => {
      const [savedInput, savedWeights] = saved as [Tensor4D, Tensor4D]
      const [kh, kw, inChannels] = savedWeights.shape
      // conv2dTranspose takes no dilation: a dilated layer's input gradient is not available.
      if (dilations[0] > 1 || dilations[1] > 1) throw new EpsinasError('BAD_ARGUMENT', 'the native proxies cannot differentiate a dilated convolution')
      const batchAsChannels = tf.transpose(savedInput, [3, 1, 2, 0]) as Tensor4D
      const gradientAsFilter = tf.transpose(dy, [1, 2, 0, 3]) as Tensor4D
      const full = tf.conv2d(batchAsChannels, gradientAsFilter, 1, 'valid', 'NHWC', strides)
      const dWeights = tf.transpose(tf.slice(full, [0, 0, 0, 0], [inChannels, kh, kw, -1]), [1, 2, 0, 3])
      const dInput = tf.conv2dTranspose(dy as Tensor4D, savedWeights, savedInput.shape, strides, 'valid')
      return [dInput, dWeights]
    }
    return { value, gradFunc }
  })
  return run(x, filter) as Tensor4D
}

/** The axes BatchNorm's statistics reduce: all but the channels (NHWC, or [N, C]). */
export function batchnormAxes(x: Tensor): number[] {
  return x.rank === 4 ? [0, 1, 2] : [0]
}

/** nn.BatchNorm2d/1d in train mode at PyTorch's init (gamma 1, beta 0): batch mean, biased variance. */
function trainModeBatchnorm(tf: Tf, x: Tensor, eps: number): Tensor {
  const { mean, variance } = tf.moments(x, batchnormAxes(x), true)
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, tf.scalar(eps))))
}

function groupedConv(tf: Tf, x: Tensor4D, filter: Tensor4D, op: Extract<ImportedOp, { kind: 'conv' }>): Tensor {
  const { stride, dilation, pads } = op.window
  if ((stride[0] > 1 || stride[1] > 1) && (dilation[0] > 1 || dilation[1] > 1)) {
    throw new EpsinasError('BAD_ARGUMENT', 'the native proxies do not support a convolution with both stride and dilation above 1')
  }
  const [top, left, bottom, right] = pads
  const input = tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) as Tensor4D
  const strides: [number, number] = [stride[0], stride[1]]
  const dilations: [number, number] = [dilation[0], dilation[1]]
  if (op.groups === 1) return convolve(tf, input, filter, strides, dilations)
  const inPerGroup = x.shape[3] / op.groups
  const outPerGroup = op.outChannels / op.groups
  const parts = Array.from({ length: op.groups }, (_, g) => {
    const slice = tf.slice(input, [0, 0, 0, g * inPerGroup], [-1, -1, -1, inPerGroup]) as Tensor4D
    const groupFilter = tf.slice(filter, [0, 0, 0, g * outPerGroup], [-1, -1, -1, outPerGroup]) as Tensor4D
    return convolve(tf, slice, groupFilter, strides, dilations)
  })
  return tf.concat(parts, 3)
}
