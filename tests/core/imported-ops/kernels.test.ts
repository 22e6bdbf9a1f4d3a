import { describe, expect, test } from 'vitest'
import { runGraphTs } from '../../../src/main/core/backends/ts/interpreter.ts'
import { GraphBuilder } from '../../../src/main/core/ir/builder.ts'
import { printGraph } from '../../../src/main/core/ir/print.ts'
import { generalOutputSize } from '../../../src/main/core/ir/shapes.ts'
import { expectExact } from '../backends/tfjs/helpers.ts'
import { ramp, single, win } from './helpers.ts'

/**
 * The typed-array kernels of the imported (ONNX) ops against values worked out by hand from the
 * doc comments in ir/graph.ts (the semantics B's ONNX mapper relies on).
 */

const ONE_TO_NINE = ramp(9, 1)
const run = (graph: ReturnType<typeof single>, input: ArrayLike<number>, weight = 1): Float32Array =>
  runGraphTs(graph, Float32Array.from(input), weight)

describe('output size of a general window', () => {
  test('should floor by default and round up in ceil mode', () => {
    expect(generalOutputSize(5, 2, 2, 1, 0, 0)).toBe(2)
    expect(generalOutputSize(5, 2, 2, 1, 0, 0, true)).toBe(3)
  })

  test('should drop a ceil-mode window that starts in the bottom/right padding (PyTorch rule)', () => {
    // in 3, kernel 2, stride 2, pads 1 + 1: ceil gives 3 windows starting at -1, 1, 3; 3 >= in + padBegin.
    expect(generalOutputSize(3, 2, 2, 1, 1, 1, true)).toBe(2)
    // in 4, kernel 3, stride 2, pads 1 + 1: the third window starts at 3 < 5 and stays.
    expect(generalOutputSize(4, 3, 2, 1, 1, 1, true)).toBe(3)
  })

  test('should account for dilation', () => {
    // Dilated extent 2 * (3 - 1) + 1 = 5 over 7: 3 positions at stride 1.
    expect(generalOutputSize(7, 3, 1, 2, 0, 0)).toBe(3)
  })

  test('should refuse a window larger than the padded input and groups that do not divide the channels', () => {
    const b = new GraphBuilder()
    const x = b.input([1, 3, 2, 2])
    expect(() => b.add({ kind: 'pool', mode: 'max', window: win([3, 3]), countIncludePad: false, ceilMode: false }, [x], 'p')).toThrow(/window larger/)
    expect(() => b.add({ kind: 'conv', outChannels: 4, groups: 2, window: win([1, 1]) }, [x], 'c')).toThrow(/do not split into 2 groups/)
  })

  test('should refuse to flatten a collapsed image with more than one pixel', () => {
    const b = new GraphBuilder()
    const x = b.input([1, 1, 2, 2], [3])
    expect(() => b.add({ kind: 'flatten' }, [x], 'f')).toThrow(/full width/)
  })
})

describe('conv', () => {
  test('should give w times the window sums of a rectangular kernel with asymmetric pads', () => {
    // 1..9 as 3x3, kernel 2 rows x 3 columns, one zero column left and right: rows 0+1 = 5 7 9,
    // rows 1+2 = 11 13 15, then zero-padded 3-sums along each row.
    const graph = single({ kind: 'conv', outChannels: 1, groups: 1, window: win([2, 3], { pads: [0, 1, 0, 1] }) }, [1, 1, 3, 3])
    expectExact(run(graph, ONE_TO_NINE, 0.5), [12, 21, 16, 24, 39, 28].map((s) => s / 2))
  })

  test('should read dilated taps', () => {
    // 2x2 kernel with dilation 2 over 3x3: the four corners, 1 + 3 + 7 + 9.
    const graph = single({ kind: 'conv', outChannels: 1, groups: 1, window: win([2, 2], { dilation: [2, 2] }) }, [1, 1, 3, 3])
    expectExact(run(graph, ONE_TO_NINE), [20])
  })

  test('should combine stride and dilation', () => {
    // 0..24 as 5x5, 2x2 kernel, dilation 2, stride 2: rows {0, 2} or {2, 4}, same for columns.
    const graph = single({ kind: 'conv', outChannels: 1, groups: 1, window: win([2, 2], { dilation: [2, 2], stride: [2, 2] }) }, [1, 1, 5, 5])
    expectExact(run(graph, ramp(25)), [24, 32, 64, 72])
  })

  test('should sum each group of input channels into its own output channels', () => {
    // Four 1x1 channels 1, 2, 3, 4; groups 2: outputs 1 + 2 = 3 (twice) and 3 + 4 = 7 (twice).
    const graph = single({ kind: 'conv', outChannels: 4, groups: 2, window: win([1, 1]) }, [1, 4, 1, 1])
    expectExact(run(graph, [1, 2, 3, 4], 2), [6, 6, 14, 14])
  })

  test('should weight each stored input channel by its multiplicity', () => {
    // Multiplicities 2, 1 | 1, 3: 2 * 1 + 2 = 4 and 3 + 3 * 4 = 15.
    const graph = single({ kind: 'conv', outChannels: 2, groups: 2, window: win([1, 1]) }, [1, 4, 1, 1], [2, 1, 1, 3])
    expectExact(run(graph, [1, 2, 3, 4]), [4, 15])
  })

  test('should repeat each channel of a depthwise conv over its output channels', () => {
    const graph = single({ kind: 'conv', outChannels: 4, groups: 2, window: win([1, 1]) }, [2, 2, 1, 1])
    expectExact(run(graph, [1, 2, 5, 7]), [1, 1, 2, 2, 5, 5, 7, 7])
  })
})

describe('pool', () => {
  const pool = (mode: 'max' | 'avg', kernel: [number, number], more: { stride?: [number, number]; pads?: [number, number, number, number]; dilation?: [number, number] }, countIncludePad: boolean, ceilMode: boolean) =>
    ({ kind: 'pool', mode, window: win(kernel, more), countIncludePad, ceilMode }) as const

  test('should keep the partial last window in ceil mode', () => {
    const graph = single(pool('max', [2, 2], { stride: [2, 2] }, false, true), [1, 1, 3, 3])
    expectExact(run(graph, ONE_TO_NINE), [5, 6, 8, 9])
    expectExact(run(single(pool('max', [2, 2], { stride: [2, 2] }, false, false), [1, 1, 3, 3]), ONE_TO_NINE), [5])
  })

  test('should propagate NaN and never let padding win in max pooling', () => {
    const graph = single(pool('max', [1, 2], { pads: [0, 1, 0, 1], stride: [1, 2] }, false, false), [1, 1, 1, 4])
    // Windows [pad, -1], [-2, NaN], [-4, pad].
    expectExact(run(graph, [-1, -2, Number.NaN, -4]), [-1, Number.NaN, -4])
  })

  test('should divide by the taps inside the padded input, not past it, with countIncludePad in ceil mode (PyTorch)', () => {
    // 1 2 3 4, kernel 3, stride 2, pads 1 + 1, ceil: windows at -1, 1, 3; the last reads 4, pad, and a
    // tap past the padding: (1 + 2) / 3, (2 + 3 + 4) / 3, (4 + 0) / 2.
    const graph = single(pool('avg', [1, 3], { stride: [1, 2], pads: [0, 1, 0, 1] }, true, true), [1, 1, 1, 4])
    expectExact(run(graph, [1, 2, 3, 4]), [1, 3, 2])
  })

  test('should divide by the in-bounds taps without countIncludePad', () => {
    const graph = single(pool('avg', [1, 3], { stride: [1, 2], pads: [0, 1, 0, 1] }, false, true), [1, 1, 1, 4])
    expectExact(run(graph, [1, 2, 3, 4]), [1.5, 3, 4])
  })

  test('should give -inf (max) and NaN (avg without the padding) for a window that reads only padding', () => {
    // Width 2 padded by 1 each side, taps 3 apart: the window at -1 reads -1 and 2.
    const window = { pads: [0, 1, 0, 1] as [number, number, number, number], dilation: [1, 3] as [number, number] }
    expectExact(run(single(pool('max', [1, 2], window, false, false), [1, 1, 1, 2]), [5, 6]), [Number.NEGATIVE_INFINITY])
    expectExact(run(single(pool('avg', [1, 2], window, false, false), [1, 1, 1, 2]), [5, 6]), [Number.NaN])
    expectExact(run(single(pool('avg', [1, 2], window, true, false), [1, 1, 1, 2]), [5, 6]), [0])
  })

  test('should average dilated taps', () => {
    const graph = single(pool('avg', [2, 2], { dilation: [2, 2] }, false, false), [1, 1, 3, 3])
    expectExact(run(graph, ONE_TO_NINE), [5])
  })
})

describe('elementwise ops', () => {
  const x = [-5, 0, 1, 10, Number.NaN]

  test('hardsigmoid should be max(0, min(1, alpha * x + beta)) with NaN kept', () => {
    const graph = single({ kind: 'hardsigmoid', alpha: 0.2, beta: 0.5 }, [1, 1, 1, 5])
    expectExact(run(graph, x), [0, 0.5, 0.7, 1, Number.NaN])
  })

  test('hardswish should be x * max(0, min(1, x / 6 + 0.5)) with NaN kept', () => {
    const graph = single({ kind: 'hardswish' }, [1, 1, 1, 5])
    expectExact(run(graph, [-4, -1, 1, 3, Number.NaN]), [0, -1 / 3, 2 / 3, 3, Number.NaN])
  })

  test('clip should clamp to its bounds, infinite ones included, with NaN kept', () => {
    expectExact(run(single({ kind: 'clip', min: 0, max: 6 }, [1, 1, 1, 5]), [-7, 7, 2, -0.5, Number.NaN]), [0, 6, 2, 0, Number.NaN])
    expectExact(run(single({ kind: 'clip', min: Number.NEGATIVE_INFINITY, max: 6 }, [1, 1, 1, 3]), [-7, 7, Number.NaN]), [-7, 6, Number.NaN])
  })

  test('sub should subtract the second input from the first', () => {
    const b = new GraphBuilder()
    const input = b.input([1, 2])
    const doubled = b.add({ kind: 'scalar', fn: 'mul', value: 2, scalarFirst: false }, [input], 'double')
    const graph = b.build(b.add({ kind: 'sub' }, [input, doubled], 'sub'))
    expectExact(run(graph, [5, -3]), [-5, 3])
  })

  test('scalar should apply its function in the stated order, in float32', () => {
    const op = (fn: 'add' | 'sub' | 'mul' | 'div', value: number, scalarFirst: boolean) => single({ kind: 'scalar', fn, value, scalarFirst }, [1, 3])
    expectExact(run(op('sub', 1, false), [4, 0, -2]), [3, -1, -3])
    expectExact(run(op('sub', 1, true), [4, 0, -2]), [-3, 1, 3])
    expectExact(run(op('div', 2, false), [4, 0, -2]), [2, 0, -1])
    expectExact(run(op('div', 2, true), [4, 0, -2]), [0.5, Number.POSITIVE_INFINITY, -1])
    expectExact(run(op('div', 0, false), [4, 0, -2]), [Number.POSITIVE_INFINITY, Number.NaN, Number.NEGATIVE_INFINITY])
    // 0.1 is the float32 constant of the model: 1 + fround(0.1), rounded to float32.
    expectExact(run(op('add', 0.1, false), [1, 0, 0]), [Math.fround(1 + Math.fround(0.1)), Math.fround(0.1), Math.fround(0.1)])
    expectExact(run(op('mul', 3, true), [4, 0, -2]), [12, 0, -6])
  })
})

describe('layout ops', () => {
  test('pad should add zero rows and columns [top, left, bottom, right]', () => {
    const graph = single({ kind: 'pad', pads: [1, 0, 0, 2] }, [1, 1, 2, 2])
    expect(graph.nodes[1].shape).toEqual([1, 1, 3, 4])
    expectExact(run(graph, [1, 2, 3, 4]), [0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0])
  })

  test('pad with negative pads should crop those sides, mixed with zero padding', () => {
    // 3 x 3 plane 1..9: crop the top row and the right column, pad one zero row at the bottom and one zero column at the left.
    const graph = single({ kind: 'pad', pads: [-1, 1, 1, -1] }, [1, 1, 3, 3])
    expect(graph.nodes[1].shape).toEqual([1, 1, 3, 3])
    expectExact(run(graph, [1, 2, 3, 4, 5, 6, 7, 8, 9]), [0, 4, 5, 0, 7, 8, 0, 0, 0])
    // x[:, :, 1:, 1:] of a 2-channel 3 x 3 input, as DARTS's FactorizedReduce slices it.
    const crop = single({ kind: 'pad', pads: [-1, -1, 0, 0] }, [1, 2, 3, 3])
    expect(crop.nodes[1].shape).toEqual([1, 2, 2, 2])
    expectExact(run(crop, ramp(18)), [4, 5, 7, 8, 13, 14, 16, 17])
  })

  test('pad should refuse a crop that leaves no row or no column', () => {
    expect(() => single({ kind: 'pad', pads: [-2, 0, -1, 0] }, [1, 1, 3, 3])).toThrow(/pad.*empty/)
    expect(() => single({ kind: 'pad', pads: [0, -3, 0, 0] }, [1, 1, 3, 3])).toThrow(/pad.*empty/)
    expect(() => single({ kind: 'pad', pads: [0, 0.5, 0, 0] }, [1, 1, 3, 3])).toThrow(/bad pads/)
  })

  test('flatten should keep NCHW order', () => {
    const graph = single({ kind: 'flatten' }, [2, 2, 1, 2])
    expect(graph.nodes[1].shape).toEqual([2, 4])
    expectExact(run(graph, ramp(8)), [...ramp(8)])
  })

  test('spatialmean should average each plane into 1 x 1', () => {
    const graph = single({ kind: 'spatialmean' }, [1, 2, 2, 2])
    expect(graph.nodes[1].shape).toEqual([1, 2, 1, 1])
    expectExact(run(graph, [1, 2, 3, 4, 10, 10, 10, 11]), [2.5, 10.25])
  })
})

describe('printGraph', () => {
  test('should show the parameters of the imported ops', () => {
    const b = new GraphBuilder()
    const x = b.input([1, 4, 6, 6])
    const conv = b.add({ kind: 'conv', outChannels: 4, groups: 2, window: win([3, 1], { stride: [2, 1], dilation: [2, 1], pads: [2, 0, 1, 0] }) }, [x], 'conv')
    const pool = b.add({ kind: 'pool', mode: 'avg', window: win([2, 2], { stride: [2, 2] }), countIncludePad: false, ceilMode: true }, [conv], 'pool')
    const clip = b.add({ kind: 'clip', min: 0, max: Number.POSITIVE_INFINITY }, [pool], 'clip')
    const scalar = b.add({ kind: 'scalar', fn: 'div', value: 2, scalarFirst: true }, [clip], 'scalar')
    const text = printGraph(b.build(b.add({ kind: 'pad', pads: [1, 0, 0, 1] }, [scalar], 'pad')))
    expect(text).toContain('conv(3x1, s2,1, d2,1, p2,0,1,0, g2 -> 4)')
    expect(text).toContain('pool(avg, 2x2, s2,2, p0,0,0,0, ceil, exclude pad)')
    expect(text).toContain('clip(0, Infinity)')
    expect(text).toContain('scalar(2 div x)')
    expect(text).toContain('pad(1,0,0,1)')
  })
})
