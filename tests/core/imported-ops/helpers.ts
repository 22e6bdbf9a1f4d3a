import { expect } from 'vitest'
import { GraphBuilder } from '../../../src/main/core/ir/builder.ts'
import type { Graph, ImportedOp, Window2d } from '../../../src/main/core/ir/graph.ts'

/** A window with defaults: stride 1, dilation 1, no pads. */
export function win(kernel: readonly [number, number], more: Partial<Window2d> = {}): Window2d {
  return { kernel, stride: [1, 1], dilation: [1, 1], pads: [0, 0, 0, 0], ...more }
}

/** A graph applying `op` to the input, or to the input and a second input-derived operand (sub). */
export function single(op: ImportedOp, inputShape: readonly number[], inputMultiplicity?: readonly number[]): Graph {
  const b = new GraphBuilder()
  const x = b.input(inputShape, inputMultiplicity)
  return b.build(b.add(op, [x], op.kind))
}

/** 0, 1, 2, ... as float32 (or `from`, from + 1, ...). */
export function ramp(length: number, from = 0): Float32Array {
  return Float32Array.from({ length }, (_, i) => from + i)
}

/**
 * Element by element: equal (infinities included), both NaN, or |a - e| <= rel * (max(|a|, |e|) +
 * scale), where scale is the largest finite |expected| of the tensor. Why the scale: a window sum
 * of mixed-sign terms can cancel to a small value whose rounding error is relative to its terms,
 * not to itself; the terms are at most about the tensor's largest value.
 */
export function expectClose(actual: Float32Array, expected: Float32Array, rel: number): void {
  expect(actual.length).toBe(expected.length)
  let scale = 0
  for (const e of expected) if (Number.isFinite(e)) scale = Math.max(scale, Math.abs(e))
  for (let i = 0; i < actual.length; i++) {
    const [a, e] = [actual[i], expected[i]]
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue
    expect(Math.abs(a - e), `index ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(rel * (Math.max(Math.abs(a), Math.abs(e)) + scale))
  }
}
