import { EpsinasError } from '../../../shared/errors.ts'
import type { Graph, Node, Op } from './graph.ts'
import { inferShape } from './shapes.ts'

/** Handle of a node under construction. */
export type TensorRef = number

/**
 * Builds a Graph node by node, inferring shapes as it goes. Search-space modules use it to describe
 * their networks; passes use it to write rewritten graphs.
 */
export class GraphBuilder {
  private readonly nodes: Node[] = []
  private inputId = -1
  private labelPrefix: string[] = []

  /** Adds the network input: NCHW with `channelMultiplicity` per channel (default all 1). */
  input(shape: readonly number[], channelMultiplicity?: readonly number[]): TensorRef {
    if (this.inputId >= 0) throw new EpsinasError('INTERNAL', 'a graph has exactly one input')
    const multiplicity = channelMultiplicity ?? new Array<number>(shape[1]).fill(1)
    this.inputId = this.push({ kind: 'input' }, [], shape, multiplicity, 'input')
    return this.inputId
  }

  /** Appends `op` applied to `inputs`; shape and multiplicities are inferred. */
  add(op: Op, inputs: readonly TensorRef[], label: string, channelMultiplicity?: readonly number[]): TensorRef {
    const inputNodes = inputs.map((id) => this.node(id))
    const { shape, multiplicity } = inferShape(op, inputNodes)
    return this.push(op, inputs, shape, channelMultiplicity ?? multiplicity, label)
  }

  /** Runs `body` with `name` prepended to the labels of the nodes it adds. */
  scope<T>(name: string, body: () => T): T {
    this.labelPrefix.push(name)
    try {
      return body()
    } finally {
      this.labelPrefix.pop()
    }
  }

  /** The node behind a handle. */
  node(id: TensorRef): Node {
    const node = this.nodes[id]
    if (!node) throw new EpsinasError('INTERNAL', `no node ${id} in the graph under construction`)
    return node
  }

  /** Finishes the graph with `output` as its result. */
  build(output: TensorRef): Graph {
    if (this.inputId < 0) throw new EpsinasError('INTERNAL', 'graph has no input')
    this.node(output)
    return { nodes: [...this.nodes], input: this.inputId, output }
  }

  private push(op: Op, inputs: readonly number[], shape: readonly number[], multiplicity: readonly number[], label: string): number {
    const id = this.nodes.length
    const fullLabel = [...this.labelPrefix, label].join('.')
    const channelMultiplicity = graphOwned(multiplicity)
    this.nodes.push({ id, op, inputs: [...inputs], shape: [...shape], channelMultiplicity, label: fullLabel })
    return id
  }
}

/**
 * Arrays that only graph nodes hold: copies made here, which no caller can reach to write. (Frozen
 * ones, as shapes.ts's shared arrays of ones, need no copy either.)
 */
const ownedByGraphs = new WeakSet<readonly number[]>()

/**
 * The multiplicity array a node keeps. Nodes share them (shapes.ts: an op that keeps its input's
 * grouping returns the input node's array): copying hundreds of entries per node was most of the
 * cost of building and rewriting an NB-NLP graph. An array from a caller is copied once, so the
 * caller's later writes never reach a graph; nodes never write theirs (readonly by type; not frozen,
 * which costs NB201's thousands of small arrays more than the copies it saves).
 */
function graphOwned(multiplicity: readonly number[]): readonly number[] {
  if (ownedByGraphs.has(multiplicity) || Object.isFrozen(multiplicity)) return multiplicity
  const copy = [...multiplicity]
  ownedByGraphs.add(copy)
  return copy
}
