import { beforeAll, describe, test } from 'vitest'
import { loadTfjs, runGraphTfjs, type TfjsRuntime } from '../../../src/main/core/backends/tfjs/index.ts'
import { runGraphTs } from '../../../src/main/core/backends/ts/interpreter.ts'
import { GraphBuilder } from '../../../src/main/core/ir/builder.ts'
import type { Graph, ImportedOp, Window2d } from '../../../src/main/core/ir/graph.ts'
import { expectExact, PORTABLE_BACKENDS, wavyInput } from '../backends/tfjs/helpers.ts'
import { expectClose, single, win } from './helpers.ts'

/**
 * Each imported op on TensorFlow.js (wasm and cpu) against the typed-array kernel, on a non-square
 * batch of several channels. Ops that round once per element (sub, scalar, clip, pad, flatten, max
 * pooling) agree exactly. Window sums differ in rounding order: tfjs adds float32 products in its
 * own order, the kernels sum in float64 and round once, so conv, average pooling and spatialmean
 * agree to SUM_REL = 1e-5 of the values and the tensor's scale (expectClose; a sum of at most 36
 * float32 terms loses at most about 36 * 2^-24 = 2e-6 of its terms' magnitude); hardsigmoid and
 * hardswish, which round each step in tfjs, to STEP_REL = 1e-6 (a few ulps of alpha * x + beta).
 * A wrong tap, pad, multiplicity or divisor is off by far more than that.
 */

const SUM_REL = 1e-5
const STEP_REL = 1e-6
const SHAPE = [2, 4, 7, 6] as const
const SIZE = SHAPE.reduce((a, b) => a * b, 1)

/** Wavy values with inf, -inf and NaN planted, for the NaN behaviour of the elementwise ops and max pooling. */
function withSpecials(length: number): Float32Array {
  const data = wavyInput(length).map((v) => v * 9)
  data[3] = Number.NaN
  data[40] = Number.POSITIVE_INFINITY
  data[77] = Number.NEGATIVE_INFINITY
  return data
}

const conv = (outChannels: number, groups: number, window: Window2d): ImportedOp => ({ kind: 'conv', outChannels, groups, window })
const pool = (mode: 'max' | 'avg', window: Window2d, countIncludePad: boolean, ceilMode: boolean): ImportedOp => ({ kind: 'pool', mode, window, countIncludePad, ceilMode })

const WINDOW_CASES: readonly { name: string; op: ImportedOp; multiplicity?: readonly number[] }[] = [
  { name: 'conv 3x2, stride 2x1, dilation 1x2, asymmetric pads', op: conv(5, 1, win([3, 2], { stride: [2, 1], dilation: [1, 2], pads: [1, 0, 2, 1] })) },
  { name: 'depthwise conv, 2 outputs per channel, stride 2 and dilation 2 together', op: conv(8, 4, win([3, 3], { stride: [2, 2], dilation: [2, 2], pads: [2, 2, 2, 2] })) },
  { name: 'grouped conv (2 groups of 2 channels), 1x3', op: conv(6, 2, win([1, 3], { pads: [0, 1, 0, 1] })) },
  { name: 'grouped conv on stored channels with multiplicities', op: conv(2, 2, win([3, 3], { pads: [1, 1, 1, 1] })), multiplicity: [2, 1, 1, 3] },
  { name: 'depthwise conv on stored channels with multiplicities', op: conv(4, 4, win([2, 2], { stride: [2, 2] })), multiplicity: [3, 1, 2, 5] },
  { name: 'square 3x3 conv (the fast path of the kernels)', op: conv(3, 1, win([3, 3], { pads: [1, 1, 1, 1] })) },
  { name: 'avg pool ceil mode, countIncludePad, asymmetric pads', op: pool('avg', win([3, 2], { stride: [2, 2], pads: [1, 0, 0, 1] }), true, true) },
  { name: 'avg pool ceil mode, in-bounds divisor', op: pool('avg', win([3, 3], { stride: [2, 2], pads: [1, 1, 1, 1] }), false, true) },
  { name: 'avg pool dilated, stride 2', op: pool('avg', win([2, 2], { stride: [2, 1], dilation: [2, 2] }), false, false) },
  { name: 'avg pool 3x3 stride 1 pad 1 (the fast path of the kernels)', op: pool('avg', win([3, 3], { pads: [1, 1, 1, 1] }), true, false) },
  { name: 'spatialmean', op: { kind: 'spatialmean' } },
  // Column 2 of the output reads columns -1 and 6 of a 6-wide input: 0 / 0.
  { name: 'avg pool with a window of padding only (NaN)', op: pool('avg', win([1, 2], { dilation: [1, 7], pads: [0, 3, 0, 3] }), false, false) },
]

const EXACT_CASES: readonly { name: string; op: ImportedOp }[] = [
  { name: 'max pool ceil mode, asymmetric pads', op: pool('max', win([3, 2], { stride: [2, 2], pads: [1, 0, 0, 1] }), false, true) },
  { name: 'max pool dilated with stride', op: pool('max', win([2, 3], { stride: [2, 2], dilation: [2, 2], pads: [1, 1, 1, 1] }), false, false) },
  { name: 'max pool with a window of padding only (-inf)', op: pool('max', win([1, 2], { dilation: [1, 7], pads: [0, 3, 0, 3] }), false, false) },
  { name: 'clip (ReLU6)', op: { kind: 'clip', min: 0, max: 6 } },
  { name: 'clip with an infinite bound', op: { kind: 'clip', min: Number.NEGATIVE_INFINITY, max: 0.25 } },
  { name: 'scalar x - c', op: { kind: 'scalar', fn: 'sub', value: 0.3, scalarFirst: false } },
  { name: 'scalar c - x', op: { kind: 'scalar', fn: 'sub', value: 0.3, scalarFirst: true } },
  { name: 'scalar x / c', op: { kind: 'scalar', fn: 'div', value: 3, scalarFirst: false } },
  { name: 'scalar c / x', op: { kind: 'scalar', fn: 'div', value: 3, scalarFirst: true } },
  { name: 'scalar x * c', op: { kind: 'scalar', fn: 'mul', value: 0.1, scalarFirst: false } },
  { name: 'scalar x + c', op: { kind: 'scalar', fn: 'add', value: 1e-3, scalarFirst: true } },
  { name: 'pad', op: { kind: 'pad', pads: [1, 0, 2, 3] } },
  { name: 'pad cropping top and left (x[:, :, 1:, 1:])', op: { kind: 'pad', pads: [-1, -1, 0, 0] } },
  { name: 'pad cropping and padding mixed', op: { kind: 'pad', pads: [2, -2, -3, 1] } },
  // The right crop (8) is wider than the input (6): it eats into the left zeros, leaving 2 zero columns.
  { name: 'pad cropping past the input into the other side\'s zeros', op: { kind: 'pad', pads: [1, 4, -3, -8] } },
  { name: 'flatten', op: { kind: 'flatten' } },
]

const STEP_CASES: readonly { name: string; op: ImportedOp }[] = [
  { name: 'hardsigmoid (ONNX defaults)', op: { kind: 'hardsigmoid', alpha: 0.2, beta: 0.5 } },
  { name: 'hardsigmoid (torch)', op: { kind: 'hardsigmoid', alpha: 1 / 6, beta: 0.5 } },
  { name: 'hardswish', op: { kind: 'hardswish' } },
]

/** a - b where b = a * 0.75: both operands from the one input. */
function subGraph(): Graph {
  const b = new GraphBuilder()
  const x = b.input(SHAPE)
  const scaled = b.add({ kind: 'scalar', fn: 'mul', value: 0.75, scalarFirst: false }, [x], 'scaled')
  return b.build(b.add({ kind: 'sub' }, [x, scaled], 'sub'))
}

describe.each(PORTABLE_BACKENDS)('imported ops on %s agree with the typed-array kernels', (backend) => {
  let runtime: TfjsRuntime
  beforeAll(async () => {
    runtime = await loadTfjs(backend)
  })
  const both = (graph: Graph, input: Float32Array, weight: number): [Float32Array, Float32Array] => [runGraphTfjs(runtime, graph, input, weight), runGraphTs(graph, input, weight)]

  test.each(WINDOW_CASES)('$name', ({ op, multiplicity }) => {
    const shape = [...SHAPE]
    const graph = single(op, shape, multiplicity)
    for (const weight of [1e-3, 0.7]) {
      const [tfjs, ts] = both(graph, wavyInput(SIZE), weight)
      expectClose(tfjs, ts, SUM_REL)
    }
  })

  test.each(EXACT_CASES)('$name (exactly, NaN and infinities included)', ({ op }) => {
    const [tfjs, ts] = both(single(op, SHAPE), withSpecials(SIZE), 1)
    expectExact(tfjs, [...ts])
  })

  test.each(STEP_CASES)('$name (NaN and infinities included)', ({ op }) => {
    const [tfjs, ts] = both(single(op, SHAPE), withSpecials(SIZE), 1)
    expectClose(tfjs, ts, STEP_REL)
  })

  test('sub', () => {
    const [tfjs, ts] = both(subGraph(), withSpecials(SIZE), 1)
    expectExact(tfjs, [...ts])
  })
})
