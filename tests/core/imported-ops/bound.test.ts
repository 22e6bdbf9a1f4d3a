import { describe, expect, test } from 'vitest'
import type { FloatArray } from '../../../src/main/core/backends/ts/kernels.ts'
import { runGraphTs } from '../../../src/main/core/backends/ts/interpreter.ts'
import { BufferPool } from '../../../src/main/core/backends/ts/pool.ts'
import { GraphBuilder } from '../../../src/main/core/ir/builder.ts'
import type { Graph, ImportedOp } from '../../../src/main/core/ir/graph.ts'
import { magnitudeBound } from '../../../src/main/core/ir/bound.ts'
import { collapseGraph } from '../../../src/main/core/passes/collapse.ts'
import { wavyInput } from '../backends/tfjs/helpers.ts'
import { win } from './helpers.ts'

/**
 * The magnitude-bound rules of the imported ops (ir/bound.ts) must stay sound upper bounds: the
 * canonical form may drop `x * 0` only while no inf/NaN can occur. Checked against every value a
 * run actually produces, and on the cases that must give Infinity.
 */

/** Records the largest |value| of every tensor the interpreter releases (NaN counts as Infinity). */
class MaxRecordingPool extends BufferPool {
  max = 0
  override give(buffer: FloatArray): void {
    for (const value of buffer) {
      const v = Math.abs(value)
      this.max = v <= this.max ? this.max : Number.isNaN(v) ? Infinity : v
    }
    super.give(buffer)
  }
}

function observedMax(graph: Graph, input: Float32Array, weight: number): number {
  const pool = new MaxRecordingPool()
  const out = runGraphTs(graph, input, weight, pool)
  return Math.max(pool.max, ...Array.from(out, (v) => (Number.isNaN(v) ? Infinity : Math.abs(v))))
}

/** A network of every imported op, scaled up so the clamps and the conv fan-in matter. */
function everyImportedOp(): Graph {
  const b = new GraphBuilder()
  const x = b.input([2, 4, 8, 7])
  const big = b.add({ kind: 'scalar', fn: 'mul', value: 40, scalarFirst: true }, [x], 'big')
  const conv = b.add({ kind: 'conv', outChannels: 6, groups: 2, window: win([3, 2], { stride: [2, 1], dilation: [1, 2], pads: [1, 1, 2, 0] }) }, [big], 'conv')
  const dw = b.add({ kind: 'conv', outChannels: 6, groups: 6, window: win([2, 2], { pads: [1, 1, 1, 1] }) }, [conv], 'dw')
  const clip = b.add({ kind: 'clip', min: -3, max: Number.POSITIVE_INFINITY }, [dw], 'clip')
  const swish = b.add({ kind: 'hardswish' }, [clip], 'swish')
  const sigmoid = b.add({ kind: 'hardsigmoid', alpha: 0.2, beta: 0.5 }, [dw], 'sigmoid')
  const diff = b.add({ kind: 'sub' }, [swish, sigmoid], 'sub')
  const shifted = b.add({ kind: 'scalar', fn: 'sub', value: 2.5, scalarFirst: true }, [diff], 'shift')
  const scaled = b.add({ kind: 'scalar', fn: 'div', value: -0.5, scalarFirst: false }, [shifted], 'div')
  const padded = b.add({ kind: 'pad', pads: [2, 0, 1, 1] }, [scaled], 'pad')
  const max = b.add({ kind: 'pool', mode: 'max', window: win([3, 3], { stride: [2, 2], pads: [1, 1, 1, 1] }), countIncludePad: false, ceilMode: true }, [padded], 'max')
  const avg = b.add({ kind: 'pool', mode: 'avg', window: win([2, 2], { stride: [2, 2] }), countIncludePad: true, ceilMode: true }, [max], 'avg')
  const mean = b.add({ kind: 'spatialmean' }, [avg], 'mean')
  const flat = b.add({ kind: 'flatten' }, [avg], 'flatten')
  const fc = b.add({ kind: 'linear', outFeatures: 3 }, [flat], 'fc')
  return b.build(b.add({ kind: 'add' }, [fc, b.add({ kind: 'linear', outFeatures: 3 }, [b.add({ kind: 'flatten' }, [mean], 'flat1')], 'fc1')], 'out'))
}

function oneOpBound(op: ImportedOp, inputBound: number, shape: readonly number[] = [1, 2, 4, 4], weight = 1): number {
  const b = new GraphBuilder()
  const x = b.input(shape)
  return magnitudeBound(b.build(b.add(op, [x], op.kind)), weight, inputBound)
}

/**
 * The bound of `op` alone: magnitudeBound is the largest bound of any node, the input's included, so
 * the op's output is multiplied by `scale` (a scalar op, bound exactly |x| * scale) to dominate.
 */
function scaledOpBound(op: ImportedOp, inputBound: number, scale: number): number {
  const b = new GraphBuilder()
  const x = b.input([1, 2, 4, 4])
  const y = b.add(op, [x], op.kind)
  const graph = b.build(b.add({ kind: 'scalar', fn: 'mul', value: scale, scalarFirst: false }, [y], 'scale'))
  return magnitudeBound(graph, 1, inputBound) / scale
}

/** The exact bound plus only the rounding headroom of bound.ts (a factor 1 + 2^-16 per op). */
function expectJustAbove(bound: number, exact: number): void {
  expect(bound).toBeGreaterThanOrEqual(exact)
  expect(bound).toBeLessThan(exact * 1.001)
}

describe('magnitudeBound of the imported ops', () => {
  const graph = everyImportedOp()
  const input = wavyInput(2 * 4 * 8 * 7)

  test.each([1e-3, 0.3, 2])('should bound every value of a network of every imported op at w = %s, full width and collapsed', (weight) => {
    const bound = magnitudeBound(graph, weight, 1)
    expect(Number.isFinite(bound)).toBe(true)
    expect(observedMax(graph, input, weight)).toBeLessThanOrEqual(bound)
    const collapsed = collapseGraph(graph)
    expect(observedMax(collapsed, input, weight)).toBeLessThanOrEqual(magnitudeBound(collapsed, weight, 1))
  })

  test('should be Infinity for a division by a zero constant and for a constant divided by x', () => {
    expect(oneOpBound({ kind: 'scalar', fn: 'div', value: 0, scalarFirst: false }, 1)).toBe(Number.POSITIVE_INFINITY)
    expect(oneOpBound({ kind: 'scalar', fn: 'div', value: 1, scalarFirst: true }, 1)).toBe(Number.POSITIVE_INFINITY)
    expectJustAbove(scaledOpBound({ kind: 'scalar', fn: 'div', value: 4, scalarFirst: false }, 1, 1e4), 0.25)
  })

  test('should clamp by clip bounds, infinite ones included', () => {
    expectJustAbove(scaledOpBound({ kind: 'clip', min: 0, max: 6 }, 1000, 1e4), 6)
    expectJustAbove(scaledOpBound({ kind: 'clip', min: 0, max: 6 }, 2, 1e4), 2)
    expectJustAbove(scaledOpBound({ kind: 'clip', min: -1, max: 6 }, 0.5, 1e4), 0.5)
    expectJustAbove(scaledOpBound({ kind: 'clip', min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY }, 7, 1e4), 7)
    // min above the input range: every value becomes min.
    expectJustAbove(scaledOpBound({ kind: 'clip', min: 50, max: Number.POSITIVE_INFINITY }, 7, 1e4), 50)
  })

  test('should count the channels of one conv group and the kernel taps as the fan-in', () => {
    // 2 input channels in 2 groups: fan-in 1 * 3 * 2 taps.
    expectJustAbove(oneOpBound({ kind: 'conv', outChannels: 2, groups: 2, window: win([3, 2], { pads: [1, 1, 1, 1] }) }, 1, [1, 2, 4, 4], 0.5), 3)
    expectJustAbove(oneOpBound({ kind: 'conv', outChannels: 2, groups: 1, window: win([3, 2], { pads: [1, 1, 1, 1] }) }, 1, [1, 2, 4, 4], 0.5), 6)
  })

  test('should be Infinity for a max pool with a window that reads only padding, finite for average with countIncludePad', () => {
    // Dilation 3 over a 2-pixel-wide input padded by 1: the taps at -1 and 2 both miss it.
    const window = win([1, 2], { dilation: [1, 3], pads: [0, 1, 0, 1] })
    expect(oneOpBound({ kind: 'pool', mode: 'max', window, countIncludePad: false, ceilMode: false }, 1, [1, 1, 2, 2])).toBe(Number.POSITIVE_INFINITY)
    expect(oneOpBound({ kind: 'pool', mode: 'avg', window, countIncludePad: false, ceilMode: false }, 1, [1, 1, 2, 2])).toBe(Number.POSITIVE_INFINITY)
    expectJustAbove(oneOpBound({ kind: 'pool', mode: 'avg', window, countIncludePad: true, ceilMode: false }, 1, [1, 1, 2, 2]), 1)
  })

  test('should keep |x| through a pad that crops and pads (zeros added, values dropped)', () => {
    expectJustAbove(scaledOpBound({ kind: 'pad', pads: [-1, 2, 1, -3] }, 7, 1e4), 7)
  })

  test('should be Infinity for hardsigmoid with an infinite coefficient, else 1', () => {
    expectJustAbove(scaledOpBound({ kind: 'hardsigmoid', alpha: 0.2, beta: 0.5 }, 1e20, 1e25), 1)
    expect(oneOpBound({ kind: 'hardsigmoid', alpha: Number.POSITIVE_INFINITY, beta: 0.5 }, 1)).toBe(Number.POSITIVE_INFINITY)
  })
})
