import type { Graph, Node } from '../ir/graph.ts'
import { GraphBuilder, type TensorRef } from '../ir/builder.ts'
import { validateGraph } from '../ir/validate.ts'

/**
 * Common-subexpression elimination: two nodes with the same op on the same inputs compute the same
 * bits (every op is deterministic), so the second is replaced by the first. In NB201 cells this
 * merges the ReLU that every conv edge leaving the same node applies to it, the `x * 0` of every
 * `none` edge leaving it, and repeated identical edges.
 */
export function eliminateCommonSubexpressions(graph: Graph): Graph {
  validateGraph(graph)
  const b = new GraphBuilder()
  const mapped: TensorRef[] = []
  const seen = new Map<string, TensorRef>()
  for (const node of graph.nodes) {
    if (node.op.kind === 'input') {
      mapped[node.id] = b.input(node.shape, node.channelMultiplicity)
      continue
    }
    const inputs = node.inputs.map((id) => mapped[id])
    const key = nodeKey(node, inputs)
    const known = seen.get(key)
    if (known !== undefined) {
      mapped[node.id] = known
      continue
    }
    const ref = b.add(node.op, inputs, node.label, node.channelMultiplicity)
    seen.set(key, ref)
    mapped[node.id] = ref
  }
  const result = b.build(mapped[graph.output])
  validateGraph(result)
  return result
}

/**
 * Op, its parameters, its (already merged) inputs in order, and the multiplicities it carries (as
 * runs of equal values: a full-width NB-NLP node carries 600 ones, written out for every node of
 * a 1,400-node graph they were most of this pass's time).
 */
function nodeKey(node: Node, inputs: readonly TensorRef[]): string {
  return JSON.stringify([node.op, inputs, runs(node.channelMultiplicity)], exactNumbers)
}

/** [value, count, value, count, ...] of the maximal runs of equal values: the same list, shorter. */
function runs(values: readonly number[]): number[] {
  const out: number[] = []
  for (let i = 0; i < values.length; ) {
    let end = i + 1
    while (end < values.length && values[end] === values[i]) end++
    out.push(values[i], end - i)
    i = end
  }
  return out
}

/**
 * JSON writes inf, -inf and NaN all as null and -0 as 0, which would merge clip(-inf, 6) with
 * clip(inf, 6) or x + 0 with x + (-0) (different bits for x = -0); these numbers are spelled out.
 */
function exactNumbers(_key: string, value: unknown): unknown {
  if (typeof value !== 'number') return value
  if (!Number.isFinite(value)) return String(value)
  return Object.is(value, -0) ? '-0' : value
}
