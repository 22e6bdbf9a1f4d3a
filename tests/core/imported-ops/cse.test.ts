import { describe, expect, test } from 'vitest'
import { runGraphTs } from '../../../src/main/core/backends/ts/interpreter.ts'
import { GraphBuilder } from '../../../src/main/core/ir/builder.ts'
import type { ImportedOp } from '../../../src/main/core/ir/graph.ts'
import { eliminateCommonSubexpressions } from '../../../src/main/core/passes/cse.ts'

/** CSE keys ops by their parameters: infinite and negative-zero parameters of imported ops must not merge with others. */
describe('eliminateCommonSubexpressions on imported ops', () => {
  const twoBranches = (first: ImportedOp, second: ImportedOp) => {
    const b = new GraphBuilder()
    const x = b.input([1, 3])
    return b.build(b.add({ kind: 'sub' }, [b.add(first, [x], 'first'), b.add(second, [x], 'second')], 'sub'))
  }

  test('should keep clip(-inf, 1) and clip(inf, 1) apart', () => {
    const graph = twoBranches({ kind: 'clip', min: Number.NEGATIVE_INFINITY, max: 1 }, { kind: 'clip', min: Number.POSITIVE_INFINITY, max: 1 })
    const merged = eliminateCommonSubexpressions(graph)
    expect(merged.nodes.length).toBe(graph.nodes.length)
    // clip(x, -inf, 1) - clip(x, inf, 1) = min(x, 1) - 1.
    expect([...runGraphTs(merged, Float32Array.from([-2, 0.5, 3]), 1)]).toEqual([-3, -0.5, 0])
  })

  test('should keep x + 0 and x + (-0) apart (they differ at x = -0)', () => {
    const graph = twoBranches({ kind: 'scalar', fn: 'add', value: 0, scalarFirst: false }, { kind: 'scalar', fn: 'add', value: -0, scalarFirst: false })
    expect(eliminateCommonSubexpressions(graph).nodes.length).toBe(graph.nodes.length)
  })

  test('should still merge equal ops with infinite parameters', () => {
    const relu6 = (): ImportedOp => ({ kind: 'clip', min: 0, max: Number.POSITIVE_INFINITY })
    const graph = twoBranches(relu6(), relu6())
    expect(eliminateCommonSubexpressions(graph).nodes.length).toBe(graph.nodes.length - 1)
  })
})
