import { describe, expect, test } from 'vitest'
import { GraphBuilder } from '../../../src/main/core/ir/builder.ts'
import { eliminateCommonSubexpressions } from '../../../src/main/core/passes/cse.ts'

/**
 * Graphs share their nodes' multiplicity arrays instead of copying hundreds of ones per
 * node (issue 14: most of an NB-NLP arch's graph building and rewriting). Sharing must never let a
 * write reach a node, and the shorter CSE keys must keep telling different groupings apart.
 */
describe('shared, frozen channel multiplicities', () => {
  test('a node never sees later writes to the array it was built from', () => {
    const b = new GraphBuilder()
    const given = [2, 1, 1]
    const x = b.input([1, 3, 2, 2], given)
    given[0] = 7
    const graph = b.build(b.add({ kind: 'relu' }, [x], 'relu'))
    expect(graph.nodes[0].channelMultiplicity).toEqual([2, 1, 1])
    // The relu carries its input's grouping: the same frozen array, not a copy.
    expect(graph.nodes[1].channelMultiplicity).toBe(graph.nodes[0].channelMultiplicity)
  })

  test('full-width nodes of one width share one array of ones, which cannot be written', () => {
    const b = new GraphBuilder()
    const x = b.input([4, 600])
    const first = b.add({ kind: 'multilinear', outFeatures: 600 }, [x], 'a')
    const second = b.add({ kind: 'multilinear', outFeatures: 600 }, [first], 'b')
    const graph = b.build(second)
    expect(graph.nodes[first].channelMultiplicity).toBe(graph.nodes[second].channelMultiplicity)
    expect(graph.nodes[second].channelMultiplicity).toHaveLength(600)
    expect(new Set(graph.nodes[second].channelMultiplicity)).toEqual(new Set([1]))
    expect(() => {
      ;(graph.nodes[second].channelMultiplicity as number[])[0] = 5
    }).toThrow(TypeError)
  })

  test('CSE keeps two nodes whose groupings hold the same counts in another order', () => {
    const b = new GraphBuilder()
    const x = b.input([1, 3, 2, 2], [1, 1, 2])
    const y = b.add({ kind: 'relu' }, [x], 'y', [1, 2, 1])
    const z = b.add({ kind: 'relu' }, [x], 'z', [1, 1, 2])
    const w = b.add({ kind: 'relu' }, [x], 'w', [1, 1, 2])
    const merged = eliminateCommonSubexpressions(b.build(b.add({ kind: 'concat' }, [y, z, w], 'out')))
    // z and w are one node; y (1, 2, 1) stays its own.
    expect(merged.nodes.filter((node) => node.op.kind === 'relu').map((node) => node.channelMultiplicity)).toEqual([
      [1, 2, 1],
      [1, 1, 2],
    ])
  })
})
