import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core'
import { EpsinasError } from '../../../../shared/errors.ts'
import type { ImportedOp, Node, Window2d } from '../../ir/graph.ts'
import { poolDivisors } from '../../ir/window2d.ts'
import type { TfjsRuntime } from './runtime.ts'

/**
 * The imported (ONNX) ops on TensorFlow.js, as graph.ts defines them, at whatever width the graph
 * has. Image tensors are NHWC here, as in execute.ts. Elementwise clamps use tf.minimum/tf.maximum:
 * tf.clipByValue turns NaN into the lower bound on the wasm backend, and NaN must stay NaN.
 */

type Tf = TfjsRuntime['tf']

/** Runs one imported op; `inputMultiplicity` is the first input's channel multiplicities. */
export function runImportedTfjs(tf: Tf, op: ImportedOp, node: Node, inputs: readonly Tensor[], inputMultiplicity: readonly number[], weight: number): Tensor {
  const x = inputs[0]
  switch (op.kind) {
    case 'conv':
      return conv(tf, image(node, x), inputMultiplicity, weight, op.outChannels, op.groups, op.window)
    case 'pool':
      return pool(tf, image(node, x), node, op)
    case 'hardsigmoid':
      return clamp(tf, tf.add(tf.mul(x, tf.scalar(Math.fround(op.alpha))), tf.scalar(Math.fround(op.beta))), 0, 1)
    case 'hardswish':
      return tf.mul(x, clamp(tf, tf.add(tf.div(x, tf.scalar(6)), tf.scalar(0.5)), 0, 1))
    case 'clip':
      return clamp(tf, x, Math.fround(op.min), Math.fround(op.max))
    case 'sub':
      return tf.sub(x, inputs[1])
    case 'scalar':
      return scalar(tf, x, op.fn, tf.scalar(Math.fround(op.value)), op.scalarFirst)
    case 'pad': {
      // Negative pads crop (graph.ts): zero-pad the positive sides, then slice the negative ones off.
      // Padding first keeps the slice in bounds even when one side's crop eats into the other side's zeros.
      const [top, left, bottom, right] = op.pads
      const planes = image(node, x)
      const [n, h, w, c] = planes.shape
      const padded = tf.pad(planes, [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]])
      if (Math.min(top, left, bottom, right) >= 0) return padded
      return tf.slice(padded, [0, Math.max(0, -top), Math.max(0, -left), 0], [n, h + top + bottom, w + left + right, c])
    }
    case 'flatten': {
      // Features in NCHW order: channels first, then rows and columns.
      const [n, h, w, c] = image(node, x).shape
      return tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [n, c * h * w])
    }
    case 'spatialmean': {
      // sum / count, as globalavgpool (tf.mean divides before summing on some backends).
      const [, h, w] = image(node, x).shape
      return tf.div(tf.sum(x, [1, 2], true), tf.scalar(h * w))
    }
  }
}

/** min(max(x, lo), hi), NaN staying NaN on every backend (on wasm only as the first operand of tf.maximum/minimum). */
function clamp(tf: Tf, x: Tensor, lo: number, hi: number): Tensor {
  return tf.minimum(tf.maximum(x, tf.scalar(lo)), tf.scalar(hi))
}

function scalar(tf: Tf, x: Tensor, fn: 'add' | 'sub' | 'mul' | 'div', c: Tensor, scalarFirst: boolean): Tensor {
  const [a, b] = scalarFirst ? [c, x] : [x, c]
  switch (fn) {
    case 'add':
      return tf.add(a, b)
    case 'sub':
      return tf.sub(a, b)
    case 'mul':
      return tf.mul(a, b)
    case 'div':
      return tf.div(a, b)
  }
}

/**
 * Every output position o of an axis reads padded positions o * stride + t * dilation: with
 * stride and dilation both above 1 (which tfjs convolutions refuse), the stride-1 result is
 * computed and every stride-th position kept.
 */
function subsample(tf: Tf, x: Tensor4D, stride: readonly [number, number]): Tensor4D {
  if (stride[0] === 1 && stride[1] === 1) return x
  const [n, h, w, c] = x.shape
  return tf.stridedSlice(x, [0, 0, 0, 0], [n, h, w, c], [1, stride[0], stride[1], 1]) as Tensor4D
}

/** Zero padding, plus `extra` rows/columns at the bottom/right (ceil mode), with `value`. */
function padded(tf: Tf, x: Tensor4D, pads: Window2d['pads'], value = 0, extra: readonly [number, number] = [0, 0]): Tensor4D {
  const [top, left, bottom, right] = pads
  if (top + left + bottom + right + extra[0] + extra[1] === 0) return x
  return tf.pad(x, [[0, 0], [top, bottom + extra[0]], [left, right + extra[1]], [0, 0]], value)
}

/**
 * Grouped conv with every weight = w: the filter holds the input multiplicities and w multiplies
 * the result once (why: execute.ts, conv2d). groups = 1 is one conv2d; groups = channels a
 * depthwise conv (its output channel i * outPerGroup + q is group i's q-th, the grouped order);
 * other groupings run one conv2d per group on its channel slice and concatenate.
 */
function conv(tf: Tf, x: Tensor4D, multiplicity: readonly number[], w: number, outChannels: number, groups: number, window: Window2d): Tensor {
  const { kernel, stride, dilation } = window
  const [kh, kw] = kernel
  const inChannels = x.shape[3]
  const inPerGroup = inChannels / groups
  const outPerGroup = outChannels / groups
  const input = padded(tf, x, window.pads)
  const both = (stride[0] > 1 || stride[1] > 1) && (dilation[0] > 1 || dilation[1] > 1)
  const convStride: [number, number] = both ? [1, 1] : [stride[0], stride[1]]
  const dilations: [number, number] = [dilation[0], dilation[1]]
  const filter = (channels: readonly number[], outputs: number): Tensor4D => {
    const values = new Float32Array(kh * kw * channels.length * outputs)
    for (let tap = 0; tap < kh * kw; tap++) {
      channels.forEach((m, i) => {
        const start = (tap * channels.length + i) * outputs
        values.fill(m, start, start + outputs)
      })
    }
    return tf.tensor4d(values, [kh, kw, channels.length, outputs])
  }
  let sums: Tensor4D
  if (groups === 1) {
    sums = tf.conv2d(input, filter(multiplicity, outChannels), convStride, 'valid', 'NHWC', dilations)
  } else if (inPerGroup === 1) {
    sums = tf.depthwiseConv2d(input, filter(multiplicity, outPerGroup), convStride, 'valid', 'NHWC', dilations)
  } else {
    const parts = Array.from({ length: groups }, (_, g) => {
      const slice = tf.slice(input, [0, 0, 0, g * inPerGroup], [-1, -1, -1, inPerGroup])
      return tf.conv2d(slice, filter(multiplicity.slice(g * inPerGroup, (g + 1) * inPerGroup), outPerGroup), convStride, 'valid', 'NHWC', dilations)
    })
    sums = tf.concat(parts, 3)
  }
  return tf.mul(both ? subsample(tf, sums, [stride[0], stride[1]]) : sums, tf.scalar(w))
}

/**
 * Pooling as a fold over the kernel taps: tap (ty, tx) of every window is one strided slice of the
 * padded input. Max pads with -inf (padding never wins) and folds with tf.maximum, NaN added from a
 * mask (tf.maxPool drops NaN on the wasm and cpu backends). Avg pads with zeros, sums, and divides by the
 * divisor of each output position (graph.ts; ir/window2d.ts).
 */
function pool(tf: Tf, x: Tensor4D, node: Node, op: Extract<ImportedOp, { kind: 'pool' }>): Tensor {
  const { kernel, stride, dilation, pads } = op.window
  const [n, h, w, c] = x.shape
  const [, , oh, ow] = node.shape
  // Ceil mode may read past the bottom/right padding: pad enough for the last window.
  const need = (out: number, axis: 0 | 1): number => (out - 1) * stride[axis] + (kernel[axis] - 1) * dilation[axis] + 1
  const extra: [number, number] = [Math.max(0, need(oh, 0) - (h + pads[0] + pads[2])), Math.max(0, need(ow, 1) - (w + pads[1] + pads[3]))]
  const input = padded(tf, x, pads, op.mode === 'max' ? Number.NEGATIVE_INFINITY : 0, extra)
  const fold = (source: Tensor4D, combine: (a: Tensor, b: Tensor) => Tensor): Tensor => {
    let result: Tensor | null = null
    for (let ty = 0; ty < kernel[0]; ty++) {
      for (let tx = 0; tx < kernel[1]; tx++) {
        const begin = [0, ty * dilation[0], tx * dilation[1], 0]
        const end = [n, begin[1] + (oh - 1) * stride[0] + 1, begin[2] + (ow - 1) * stride[1] + 1, c]
        const tap = tf.stridedSlice(source, begin, end, [1, stride[0], stride[1], 1])
        result = result === null ? tap : combine(result, tap)
      }
    }
    if (result === null) throw new EpsinasError('INTERNAL', `${node.label}: empty pooling kernel`)
    return result
  }
  if (op.mode === 'max') {
    // tf.maximum keeps a NaN only of its first operand on wasm: NaN goes in through a mask.
    const max = fold(input, (a, b) => tf.maximum(a, b))
    const nan = fold(tf.cast(tf.isNaN(input), 'float32') as Tensor4D, (a, b) => tf.maximum(a, b))
    return tf.where(tf.greater(nan, tf.scalar(0)), tf.fill(max.shape, Number.NaN), max)
  }
  const sums = fold(input, (a, b) => tf.add(a, b))
  const divisors = Float32Array.from(poolDivisors(op.window, h, w, oh, ow, op.countIncludePad))
  return tf.div(sums, tf.tensor4d(divisors, [1, oh, ow, 1]))
}

function image(node: Node, x: Tensor): Tensor4D {
  if (x.rank !== 4) throw new EpsinasError('INTERNAL', `${node.label}: expects an image tensor, got rank ${x.rank}`)
  return x as Tensor4D
}
