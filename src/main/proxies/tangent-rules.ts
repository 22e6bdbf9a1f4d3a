import type { GradSaveFunc, Tensor, Tensor4D } from '@tensorflow/tfjs-core'
import type { Graph, ImportedOp, Node, Window2d } from '../core/ir/graph.ts'
import { isImportedOp } from '../core/ir/graph.ts'
import type { TfjsRuntime } from '../core/backends/tfjs/runtime.ts'
import { EpsinasError } from '../../shared/errors.ts'
import { gatherAt, maxPoolSources } from './max-pool.ts'
import { batchnormAxes, convolve, runNode, type ForwardOptions, type LayerTensors } from './network.ts'

type Tf = TfjsRuntime['tf']

/**
 * The forward-mode rule of every op of the proxies' networks: a node's output and its derivative along
 * a direction in the conv/linear weights (tangents.ts runs them). A tangent is null where it is zero.
 */

/**
 * A node's output and tangent. The ops that dominate a network (conv, BatchNorm, ReLU, add) compute
 * both together and keep on the tape only what their gradients read: the reverse pass holds every
 * tensor the tape saves, and tfjs saves the inputs of an add or a pad for their shapes alone.
 */
export function withTangent(
  tf: Tf,
  graph: Graph,
  node: Node,
  inputs: Tensor[],
  tangents: (Tensor | null)[],
  layers: ReadonlyMap<number, LayerTensors>,
  directions: ReadonlyMap<number, Tensor>,
  options: ForwardOptions,
): { output: Tensor; derivative: Tensor | null } {
  const op = node.op
  const x = inputs[0]
  const dx = tangents[0]
  switch (op.kind) {
    case 'conv2d': {
      const layer = layers.get(node.id)
      if (!layer) throw new EpsinasError('INTERNAL', `${node.label}: no parameters`)
      const pad = (t: Tensor): Tensor4D => tf.pad(t, [[0, 0], [op.pad, op.pad], [op.pad, op.pad], [0, 0]]) as Tensor4D
      const strides: [number, number] = [op.stride, op.stride]
      const padded = pad(x)
      const output = convolve(tf, padded, layer.weight as Tensor4D, strides, [1, 1])
      const direction = directions.get(node.id) as Tensor4D | undefined
      const throughInput = dx && convolve(tf, pad(dx), layer.weight as Tensor4D, strides, [1, 1])
      const throughWeight = direction && convolve(tf, padded, direction, strides, [1, 1])
      return { output, derivative: throughInput && throughWeight ? unsavedAdd(tf, throughInput, throughWeight) : (throughInput ?? throughWeight ?? null) }
    }
    case 'batchnorm':
      if (!options.batchnorm) return { output: x, derivative: dx }
      return batchnormWithTangent(tf, x, dx, op.eps)
    case 'relu':
      return { output: tf.relu(x), derivative: dx && reluTangent(tf, x, dx) }
    case 'add': {
      // The same left-to-right sum as network.ts's add, so the value is bit-identical.
      const output = inputs.slice(1).reduce((sum, term) => unsavedAdd(tf, sum, term), x)
      const terms = tangents.filter((t): t is Tensor => t !== null)
      return { output, derivative: terms.length === 0 ? null : terms.slice(1).reduce((sum, term) => unsavedAdd(tf, sum, term), terms[0]) }
    }
    default: {
      const output = runNode(tf, graph, node, inputs, layers, options)
      return { output, derivative: tangentOf(tf, graph, node, inputs, tangents, output, layers, directions, options) }
    }
  }
}

/** a + b of one shape, keeping nothing on the tape (tfjs's add saves both inputs for their shapes). */
function unsavedAdd(tf: Tf, a: Tensor, b: Tensor): Tensor {
  const run = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const [first, second] = args as [Tensor, Tensor]
    // Two tensor objects: tfjs frees one input's gradient when another adds to it, which must not free the other's.
    return { value: tf.add(first, second), gradFunc: (dy: Tensor) => [dy, tf.clone(dy)] }
  })
  return run(a, b) as Tensor
}

/** dx where x > 0 (PyTorch's ReLU derivative, 0 at 0), keeping only x on the tape; constant in x. */
function reluTangent(tf: Tf, x: Tensor, dx: Tensor): Tensor {
  const run = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const [input, direction, save] = args as [Tensor, Tensor, GradSaveFunc]
    save([input])
    const gradFunc = (dy: Tensor, [savedInput]: Tensor[]): Tensor[] => [tf.zerosLike(savedInput), tf.mul(dy, tf.step(savedInput))]
    return { value: tf.mul(direction, tf.step(input)), gradFunc }
  })
  return run(x, dx) as Tensor
}

function tangentOf(
  tf: Tf,
  graph: Graph,
  node: Node,
  inputs: Tensor[],
  tangents: (Tensor | null)[],
  output: Tensor,
  layers: ReadonlyMap<number, LayerTensors>,
  directions: ReadonlyMap<number, Tensor>,
  options: ForwardOptions,
): Tensor | null {
  const x = inputs[0]
  const dx = tangents[0]
  const op = node.op
  // The op again on the tangents: right for every op linear in its inputs (zero tangents as zeros).
  const linear = (): Tensor | null => {
    if (tangents.every((t) => t === null)) return null
    return runNode(tf, graph, node, tangents.map((t, k) => t ?? tf.zerosLike(inputs[k])), layers, options)
  }
  switch (op.kind) {
    case 'linear':
    case 'conv':
      return bilinearTangent(tf, graph, node, x, dx, layers, directions, options)
    case 'avgpool':
    case 'globalavgpool':
    case 'concat':
    case 'channelslice':
    case 'regroup':
    case 'sub':
    case 'pad':
    case 'flatten':
    case 'spatialmean':
      return linear()
    case 'zero':
      return null
    case 'maxpool':
      return dx && maxPoolTangent(tf, x as Tensor4D, dx as Tensor4D, output as Tensor4D, { kernel: [op.kernel, op.kernel], stride: [op.stride, op.stride], dilation: [1, 1], pads: [op.pad, op.pad, op.pad, op.pad] }, node)
    case 'pool':
      if (op.mode === 'avg') return linear()
      if (op.ceilMode) throw new EpsinasError('BAD_ARGUMENT', `${node.label}: grasp has no derivative rule for a ceil-mode max pool`)
      return dx && maxPoolTangent(tf, x as Tensor4D, dx as Tensor4D, output as Tensor4D, op.window, node)
    default:
      if (isImportedOp(op)) return dx && importedTangent(tf, op, x, dx, output)
      throw new EpsinasError('BAD_ARGUMENT', `${node.label}: grasp has no derivative rule for op '${op.kind}'`)
  }
}

/** conv and linear are bilinear in input and weight: d(x W) = dx W + x dW (the bias is constant). */
function bilinearTangent(
  tf: Tf,
  graph: Graph,
  node: Node,
  x: Tensor,
  dx: Tensor | null,
  layers: ReadonlyMap<number, LayerTensors>,
  directions: ReadonlyMap<number, Tensor>,
  options: ForwardOptions,
): Tensor | null {
  const layer = layers.get(node.id)
  if (!layer) throw new EpsinasError('INTERNAL', `${node.label}: no parameters`)
  const direction = directions.get(node.id)
  const withWeight = (input: Tensor, weight: Tensor): Tensor => runNode(tf, graph, node, [input], new Map([[node.id, { weight, bias: null }]]), options)
  const throughInput = dx && withWeight(dx, layer.weight)
  const throughWeight = direction && withWeight(x, direction)
  if (throughInput && throughWeight) return tf.add(throughInput, throughWeight)
  return throughInput ?? throughWeight ?? null
}

/**
 * Train-mode BatchNorm y = (x - m) / s, m the batch mean, s = sqrt(v + eps), v the biased variance
 * (network.ts: tf.moments, so the value is bit-identical), and its tangent
 * dy = (c' - c dv / (2 s^2)) / s with c = x - m, c' = dx - mean dx, dv = 2 mean(c c').
 */
function batchnormWithTangent(tf: Tf, x: Tensor, dx: Tensor | null, eps: number): { output: Tensor; derivative: Tensor | null } {
  const axes = batchnormAxes(x)
  const { mean, variance } = tf.moments(x, axes, true)
  const centred = tf.sub(x, mean)
  const scale = tf.sqrt(tf.add(variance, tf.scalar(eps)))
  const output = tf.div(centred, scale)
  if (!dx) return { output, derivative: null }
  const centredTangent = tf.sub(dx, tf.mean(dx, axes, true))
  const halfVarianceTangent = tf.mean(tf.mul(centred, centredTangent), axes, true)
  const correction = tf.mul(centred, tf.div(halfVarianceTangent, tf.add(variance, tf.scalar(eps))))
  return { output, derivative: tf.div(tf.sub(centredTangent, correction), scale) }
}

/**
 * Max pooling passes each window's tangent at its maximum, the first one in row-major window order on
 * a tie (where PyTorch's max pool sends its gradient). Which position that is is a constant of the
 * pass (max-pool.ts finds it), so the tangent is dx gathered at those positions.
 */
function maxPoolTangent(tf: Tf, x: Tensor4D, dx: Tensor4D, output: Tensor4D, window: Window2d, node: Node): Tensor {
  const { kernel, stride, dilation, pads } = window
  if (dilation[0] !== 1 || dilation[1] !== 1) throw new EpsinasError('BAD_ARGUMENT', `${node.label}: grasp has no derivative rule for a dilated max pool`)
  const [top, left, bottom, right] = pads
  const padding: [number, number][] = [[0, 0], [top, bottom], [left, right], [0, 0]]
  const values = tf.pad(x, padding, Number.NEGATIVE_INFINITY) as Tensor4D
  const sources = maxPoolSources(values.dataSync() as Float32Array, values.shape, kernel, stride)
  return gatherAt(tf, tf.pad(dx, padding) as Tensor4D, sources, output.shape)
}

/** [x >= bound] as 0/1 (tf.step is 0 at 0), with a gradient (zero) tfjs has. */
function atLeast(tf: Tf, x: Tensor, bound: number): Tensor {
  return tf.sub(tf.scalar(1), tf.step(tf.sub(tf.scalar(bound), x)))
}

/** The imported elementwise ops (backends/tfjs/imported.ts), with PyTorch's derivatives at the kinks. */
function importedTangent(tf: Tf, op: ImportedOp, x: Tensor, dx: Tensor, output: Tensor): Tensor {
  switch (op.kind) {
    case 'clip': {
      // torch.clamp passes the gradient where min <= x <= max.
      const inside = tf.mul(atLeast(tf, x, Math.fround(op.min)), atLeast(tf, tf.neg(x), -Math.fround(op.max)))
      return tf.mul(dx, inside)
    }
    case 'hardsigmoid': {
      // clamp(alpha x + beta, 0, 1): alpha strictly inside (PyTorch's hardsigmoid is 0 at the kinks).
      const z = tf.add(tf.mul(x, tf.scalar(Math.fround(op.alpha))), tf.scalar(Math.fround(op.beta)))
      return tf.mul(dx, tf.mul(tf.scalar(Math.fround(op.alpha)), tf.mul(tf.step(z), tf.step(tf.sub(tf.scalar(1), z)))))
    }
    case 'hardswish': {
      // PyTorch: 0 below -3, x / 3 + 1/2 on [-3, 3], 1 above.
      const middle = tf.mul(atLeast(tf, x, -3), atLeast(tf, tf.neg(x), -3))
      const slope = tf.add(tf.mul(middle, tf.add(tf.div(x, tf.scalar(3)), tf.scalar(0.5))), tf.step(tf.sub(x, tf.scalar(3))))
      return tf.mul(dx, slope)
    }
    case 'scalar': {
      const c = Math.fround(op.value)
      if (op.fn === 'mul') return tf.mul(dx, tf.scalar(c))
      if (op.fn === 'add') return dx
      if (op.fn === 'sub') return op.scalarFirst ? tf.neg(dx) : dx
      // x / c, or c / x whose derivative is -c / x^2 = -y / x.
      return op.scalarFirst ? tf.neg(tf.mul(dx, tf.div(output, x))) : tf.div(dx, tf.scalar(c))
    }
    default:
      throw new EpsinasError('BAD_ARGUMENT', `grasp has no derivative rule for the imported op '${op.kind}'`)
  }
}
