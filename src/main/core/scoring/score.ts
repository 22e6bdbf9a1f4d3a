import type { Graph } from '../ir/graph.ts'
import { collapseGraph, collapseInput, expandOutput } from '../passes/collapse.ts'
import { eliminateCommonSubexpressions } from '../passes/cse.ts'
import { epsilonFromOutputs, type EpsilonScore } from '../epsilon/epsilon.ts'
import type { Minibatch } from '../../data/minibatch.ts'
import type { EngineId, WeightPair } from '../../../shared/types.ts'

/** Runs a graph once with every weight set to `weight`; returns the output flattened row-major. */
export type ForwardRunner = (graph: Graph, input: Float32Array, weight: number) => Float32Array

/** A network ready to run: the graph the engine executes, its input, and how to read its output at full width. */
export interface PreparedNetwork {
  graph: Graph
  input: Float32Array
  /** Turns the graph's output into the full-width output the metric is defined on. */
  fullOutput(output: Float32Array): Float32Array
}

/**
 * Prepares a full-width network for an engine: as is for `full`; for `collapsed`, the width-collapse
 * rewrite with the input's identical planes merged when the minibatch says they are identical,
 * then common subexpressions merged (both are exact rewrites).
 */
export function prepareNetwork(network: Graph, minibatch: Minibatch, engine: EngineId): PreparedNetwork {
  if (engine === 'full') return { graph: network, input: minibatch.data, fullOutput: (output) => output }
  const channels = minibatch.shape[1]
  const inputPartition = minibatch.channelsIdentical ? [channels] : new Array<number>(channels).fill(1)
  const graph = eliminateCommonSubexpressions(collapseGraph(network, { inputPartition }))
  const outputNode = graph.nodes[graph.output]
  return {
    graph,
    input: collapsedInputOf(minibatch, inputPartition),
    fullOutput: (output) => expandOutput(output, outputNode.shape, outputNode.channelMultiplicity),
  }
}

/**
 * The collapsed input of a minibatch, made once per minibatch and partition: every arch of a job reads
 * the same one (1 MB for NB201's batch of 256), and a fresh copy per arch was garbage the collector then
 * had to find. Shared as the full engine shares minibatch.data: engines never write their input.
 */
const collapsedInputs = new WeakMap<Float32Array, Map<string, Float32Array>>()
function collapsedInputOf(minibatch: Minibatch, partition: readonly number[]): Float32Array {
  let byPartition = collapsedInputs.get(minibatch.data)
  if (!byPartition) collapsedInputs.set(minibatch.data, (byPartition = new Map()))
  const key = `${minibatch.shape.join('x')}/${partition.join(',')}`
  let input = byPartition.get(key)
  if (!input) byPartition.set(key, (input = collapseInput(minibatch.data, minibatch.shape, partition)))
  return input
}

/** Epsilon of a prepared network: one forward pass per weight of the pair, then the metric. */
export function scorePrepared(prepared: PreparedNetwork, weights: WeightPair, run: ForwardRunner): EpsilonScore {
  const [low, high] = weights.map((w) => prepared.fullOutput(run(prepared.graph, prepared.input, w)))
  return epsilonFromOutputs(low, high)
}
