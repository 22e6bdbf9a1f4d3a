import { type Graph, type Node, originalChannels } from './graph.ts'

/**
 * The number of trainable parameters of the network a graph describes, counted the way PyTorch's
 * `sum(p.numel() for p in model.parameters())` counts the reference networks:
 * - conv2d / conv: in/groups x out x kh x kw, no bias (the reference convs are bias-free; the ONNX
 *   mapper drops an imported conv's bias, whose value never matters to epsilon, so it does not show);
 * - batchnorm: gamma and beta, 2 per channel (affine; running statistics are buffers, not parameters);
 * - linear: in x out + out (PyTorch's nn.Linear keeps its bias);
 * - multilinear (NB-NLP): one in_i x out weight per input + one bias of out;
 * - embedding: vocabulary x features;
 * - every other op has none.
 * Channels are the original ones (channelMultiplicity summed), so a width-collapsed graph counts
 * the same as its full-width network. Each node counts once: a graph that repeats a layer per time
 * step (the unrolled NB-NLP cell) counts each step, so such a space counts its model itself.
 */
export function countParameters(graph: Graph): number {
  let total = 0
  for (const node of graph.nodes) total += nodeParameters(node, (id) => graph.nodes[id])
  return total
}

function nodeParameters(node: Node, nodeAt: (id: number) => Node): number {
  const op = node.op
  const inChannels = (k = 0): number => originalChannels(nodeAt(node.inputs[k]))
  switch (op.kind) {
    case 'conv2d':
      return inChannels() * originalChannels(node) * op.kernel * op.kernel
    case 'conv':
      return (inChannels() / op.groups) * originalChannels(node) * op.window.kernel[0] * op.window.kernel[1]
    case 'batchnorm':
      return 2 * originalChannels(node)
    case 'linear':
      return (inChannels() + 1) * originalChannels(node)
    case 'multilinear': {
      const out = originalChannels(node)
      return node.inputs.reduce((sum, _, k) => sum + inChannels(k) * out, out)
    }
    case 'embedding':
      return op.vocabulary * op.features
    default:
      return 0
  }
}
