import type { Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core'
import { EpsinasError } from '../../../../shared/errors.ts'
import type { Graph, Node } from '../../ir/graph.ts'
import { elementCount, isImportedOp } from '../../ir/graph.ts'
import { windowOutputSize } from '../../ir/shapes.ts'
import { activateBackend, type TfjsRuntime } from './runtime.ts'
import * as recurrent from './recurrent.ts'
import { runImportedTfjs } from './imported.ts'

/**
 * Runs the IR on TensorFlow.js at whatever width the graph has: the full-width reference engine.
 * Image tensors live as NHWC inside (tfjs convolutions are NHWC-first) and are NCHW at the
 * boundaries. Every op matches its definition in graph.ts / the typed-array kernels, in float32.
 */

type Tf = TfjsRuntime['tf']

/**
 * Runs `graph` with every conv/linear weight and BN gamma set from `weight` on `input` (NCHW, the
 * input node's shape) and returns the output node's data flattened row-major in NCHW / [N, F] order.
 */
export function runGraphTfjs(runtime: TfjsRuntime, graph: Graph, input: Float32Array, weight: number): Float32Array {
  const { tf } = runtime
  activateBackend(runtime)
  const inputNode = graph.nodes[graph.input]
  if (input.length !== elementCount(inputNode.shape)) {
    throw new EpsinasError('INTERNAL', `input has ${input.length} values, the graph expects ${elementCount(inputNode.shape)}`)
  }
  // float32 constant, as torch.nn.init.constant_ stores it.
  const w = Math.fround(weight)
  const remainingUses = new Array<number>(graph.nodes.length).fill(0)
  for (const node of graph.nodes) for (const i of node.inputs) remainingUses[i]++
  remainingUses[graph.output]++

  const values: (Tensor | undefined)[] = new Array(graph.nodes.length)
  try {
    for (const node of graph.nodes) {
      if (remainingUses[node.id] === 0) continue
      const value = tf.tidy(() => (node.op.kind === 'input' ? toInternal(tf, input, node.shape) : runNode(tf, graph, node, values, w)))
      values[node.id] = value
      checkShape(node, value)
      // Free each intermediate after its last consumer: a full-width batch holds megabytes per tensor.
      for (const i of node.inputs) {
        if (--remainingUses[i] === 0) {
          values[i]?.dispose()
          values[i] = undefined
        }
      }
    }
    const output = values[graph.output]
    if (!output) throw new EpsinasError('INTERNAL', 'graph output was not computed')
    const external = tf.tidy(() => toExternal(tf, output))
    try {
      // Copy: some backends hand out their own buffer, which is freed with the tensor.
      return new Float32Array(external.dataSync())
    } finally {
      external.dispose()
    }
  } finally {
    for (const value of values) value?.dispose()
  }
}

function runNode(tf: Tf, graph: Graph, node: Node, values: readonly (Tensor | undefined)[], w: number): Tensor {
  const inputs = node.inputs.map((i) => {
    const value = values[i]
    if (!value) throw new EpsinasError('INTERNAL', `${node.label}: input ${i} is not available`)
    return value
  })
  const x = inputs[0]
  const inputMultiplicity = (): readonly number[] => graph.nodes[node.inputs[0]].channelMultiplicity
  const op = node.op
  if (isImportedOp(op)) return runImportedTfjs(tf, op, node, inputs, inputMultiplicity(), w)
  switch (op.kind) {
    case 'conv2d':
      return conv2d(tf, image(node, x), inputMultiplicity(), w, op.outChannels, op.kernel, op.stride, op.pad)
    case 'batchnorm':
      return batchnorm(tf, x, w, op.eps)
    case 'relu':
      // tf.relu keeps NaN as NaN on the wasm and cpu backends (tested), as torch.relu does.
      return tf.relu(x)
    case 'avgpool':
      return avgpool(tf, image(node, x), op.kernel, op.stride, op.pad, op.countIncludePad)
    case 'zero':
      // A real multiplication, so inf and NaN become NaN as in the reference.
      return tf.mul(x, tf.scalar(0))
    case 'add':
      return inputs.slice(1).reduce((sum, term) => tf.add(sum, term), x)
    case 'globalavgpool': {
      // sum / count, as PyTorch; tf.mean divides before summing on some backends.
      const [, height, width] = image(node, x).shape
      return tf.div(tf.sum(x, [1, 2]), tf.scalar(height * width))
    }
    case 'linear':
      return linear(tf, flat(node, x), inputMultiplicity(), w, op.outFeatures)
    case 'regroup':
      return tf.gather(x, tf.tensor1d([...op.sources], 'int32'), x.rank - 1)
    case 'maxpool': {
      // The general pool, not tf.maxPool: that drops a NaN in the window on cpu and wasm (on wasm a
      // NaN first in the window even gives -inf), where torch.max_pool2d gives NaN.
      const window = { kernel: [op.kernel, op.kernel], stride: [op.stride, op.stride], dilation: [1, 1], pads: [op.pad, op.pad, op.pad, op.pad] } as const
      return runImportedTfjs(tf, { kind: 'pool', mode: 'max', window, countIncludePad: false, ceilMode: false }, node, inputs, inputMultiplicity(), w)
    }
    case 'concat':
      return tf.concat(inputs, x.rank - 1)
    case 'channelslice':
      return sliceChannels(tf, x, op.start, op.size)
    case 'multilinear':
      return recurrent.multilinear(tf, inputs.map((input) => flat(node, input)), node.inputs.map((i) => graph.nodes[i].channelMultiplicity), w, op.outFeatures)
    case 'sigmoid':
      return tf.sigmoid(x)
    case 'tanh':
      return tf.tanh(x)
    case 'leakyrelu':
      return tf.leakyRelu(x, Math.fround(op.slope))
    case 'mul':
      return inputs.slice(1).reduce((product, term) => tf.mul(product, term), x)
    case 'blend':
      return recurrent.blend(tf, inputs[0], inputs[1], inputs[2])
    case 'fillweight':
      return tf.fill([...node.shape], w)
    case 'rows':
      return tf.slice(flat(node, x), [op.start, 0], [op.count, -1])
    case 'stackrows':
      return tf.concat(inputs, 0)
    case 'embedding':
      return recurrent.embedding(tf, flat(node, x), op.vocabulary, op.features, op.seed, op.init)
    case 'input':
      throw new EpsinasError('INTERNAL', `${node.label}: second input node`)
  }
}

/**
 * Why w is factored out of the filter and the weight matrix: the wasm backend (XNNPACK; wasm SIMD
 * has no fused multiply-add) rounds every product w * x to float32 before adding it. Where the
 * activations are tiny, as in every deep NB101 network at small w, those products are subnormal and
 * keep only a few bits, so logits came out up to 5% off (and a 1e-44 logit rounded to 0, turning a
 * finite epsilon into NaN). PyTorch on CPU (FMA, exact products) and the typed-array kernels (float64
 * sums) do not lose them. So the filter holds the multiplicities (1 at full width: every product is
 * exact), the window sums accumulate in float32, and w multiplies the result once.
 */

/** Filter [k, k, C_in, C_out] with every entry for input channel i = m_i; the result times w. */
/** Channels start .. start+size-1 of a channels-last tensor (NB101's truncation). */
export function sliceChannels(tf: Tf, x: Tensor, start: number, size: number): Tensor {
  const begin = new Array<number>(x.rank).fill(0)
  const sizes = new Array<number>(x.rank).fill(-1)
  begin[x.rank - 1] = start
  sizes[x.rank - 1] = size
  return tf.slice(x, begin, sizes)
}

function conv2d(tf: Tf, x: Tensor4D, multiplicity: readonly number[], w: number, outChannels: number, kernel: number, stride: number, pad: number): Tensor {
  const inChannels = x.shape[3]
  const filter = new Float32Array(kernel * kernel * inChannels * outChannels)
  for (let tap = 0; tap < kernel * kernel; tap++) {
    for (let i = 0; i < inChannels; i++) {
      const start = (tap * inChannels + i) * outChannels
      filter.fill(multiplicity[i], start, start + outChannels)
    }
  }
  const filterTensor = tf.tensor4d(filter, [kernel, kernel, inChannels, outChannels])
  return tf.mul(tf.conv2d(x, filterTensor, stride, pad), tf.scalar(w))
}

/** Train-mode BN, as the typed-array kernel: (x - mean) * (w / sqrt(biased var + eps)), beta = 0. */
function batchnorm(tf: Tf, x: Tensor, w: number, eps: number): Tensor {
  const axes = x.rank === 4 ? [0, 1, 2] : [0]
  const count = tf.scalar(axes.reduce((n, axis) => n * x.shape[axis], 1))
  const mean = tf.div(tf.sum(x, axes, true), count)
  const centred = tf.sub(x, mean)
  const variance = tf.div(tf.sum(tf.square(centred), axes, true), count)
  const scale = tf.div(tf.scalar(w), tf.sqrt(tf.add(variance, tf.scalar(eps))))
  return tf.mul(centred, scale)
}

/**
 * PyTorch AvgPool2d(kernel, stride, pad, count_include_pad): exact zero-padded window sums from an
 * all-ones depthwise convolution, divided by k*k or by the in-bounds count of each output position
 * (tfjs avgPool's own padding does not reproduce both PyTorch modes on every backend).
 */
function avgpool(tf: Tf, x: Tensor4D, kernel: number, stride: number, pad: number, countIncludePad: boolean): Tensor {
  const [, h, w, c] = x.shape
  const ones = tf.ones([kernel, kernel, c, 1]) as Tensor4D
  const sums = tf.depthwiseConv2d(x, ones, stride, pad)
  if (countIncludePad || pad === 0) return tf.div(sums, tf.scalar(kernel * kernel))
  const rows = inBoundsCounts(h, kernel, stride, pad)
  const cols = inBoundsCounts(w, kernel, stride, pad)
  const counts = new Float32Array(rows.length * cols.length)
  rows.forEach((r, y) => cols.forEach((q, xi) => (counts[y * cols.length + xi] = r * q)))
  return tf.div(sums, tf.tensor4d(counts, [1, rows.length, cols.length, 1]))
}

/** For each output position along one axis, how many of its `kernel` taps fall inside the input. */
function inBoundsCounts(size: number, kernel: number, stride: number, pad: number): number[] {
  const out = windowOutputSize(size, kernel, stride, pad)
  return Array.from({ length: out }, (_, o) => {
    const start = o * stride - pad
    return Math.min(start + kernel, size) - Math.max(start, 0)
  })
}

/** Weight matrix [F, out] with row f = m_f, the result times w (see conv2d); bias 0. */
function linear(tf: Tf, x: Tensor2D, multiplicity: readonly number[], w: number, outFeatures: number): Tensor {
  const features = x.shape[1]
  const weights = new Float32Array(features * outFeatures)
  for (let f = 0; f < features; f++) weights.fill(multiplicity[f], f * outFeatures, (f + 1) * outFeatures)
  return tf.mul(tf.matMul(x, tf.tensor2d(weights, [features, outFeatures])), tf.scalar(w))
}

/** NCHW data -> NHWC tensor; [N, F] stays as it is. */
function toInternal(tf: Tf, data: Float32Array, shape: readonly number[]): Tensor {
  if (shape.length === 2) return tf.tensor2d(data, [shape[0], shape[1]])
  if (shape.length === 4) return tf.transpose(tf.tensor4d(data, [shape[0], shape[1], shape[2], shape[3]]), [0, 2, 3, 1])
  throw new EpsinasError('INTERNAL', `tfjs engine handles NCHW and [N, F] tensors, not shape [${shape.join(', ')}]`)
}

/** NHWC tensor -> NCHW tensor; [N, F] stays as it is. */
function toExternal(tf: Tf, x: Tensor): Tensor {
  return x.rank === 4 ? tf.transpose(x, [0, 3, 1, 2]) : tf.clone(x)
}

function image(node: Node, x: Tensor): Tensor4D {
  if (x.rank !== 4) throw new EpsinasError('INTERNAL', `${node.label}: expects an image tensor, got rank ${x.rank}`)
  return x as Tensor4D
}

function flat(node: Node, x: Tensor): Tensor2D {
  if (x.rank !== 2) throw new EpsinasError('INTERNAL', `${node.label}: expects an [N, F] tensor, got rank ${x.rank}`)
  return x as Tensor2D
}

function checkShape(node: Node, value: Tensor): void {
  const [n, c, h, w] = node.shape
  const expected = node.shape.length === 4 ? [n, h, w, c] : [...node.shape]
  if (value.shape.join() !== expected.join()) {
    throw new EpsinasError('INTERNAL', `${node.label}: tfjs produced shape [${value.shape.join(', ')}] (NHWC), the graph says [${node.shape.join(', ')}] (NCHW)`)
  }
}
