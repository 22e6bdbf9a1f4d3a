import type { Graph } from '../core/ir/graph.ts'

/**
 * The network with a classifier of `classes` outputs, as the benchmark trained it. A space may score
 * epsilon on a single output (NB101's reference network has one: with constant weights every output
 * unit is the same), but the proxies need the real classifier: its parameters count, and a loss needs
 * one logit per class. Only a final linear layer of one output is rewritten: any other classifier,
 * an imported model's above all, is the model's own; `classes` 0 (no dataset) keeps it too.
 */
export function withDatasetClassifier(graph: Graph, classes: number): Graph {
  const output = graph.nodes[graph.output]
  if (classes < 2 || output.op.kind !== 'linear' || output.op.outFeatures !== 1) return graph
  const classifier = {
    ...output,
    op: { kind: 'linear' as const, outFeatures: classes },
    shape: [output.shape[0], classes],
    channelMultiplicity: new Array<number>(classes).fill(1),
  }
  return { ...graph, nodes: graph.nodes.map((node) => (node.id === graph.output ? classifier : node)) }
}
