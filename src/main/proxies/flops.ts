import type { Graph } from '../core/ir/graph.ts'
import { elementCount } from '../core/ir/graph.ts'
import { layerGeometry } from './parameters.ts'
import type { Proxy } from './proxy.ts'

/**
 * Multiply-accumulates of one image through the conv and linear layers, in closed form from the IR,
 * counted as fvcore counts "flops" (one per multiply-add; bias, BatchNorm, pooling and activations
 * not counted): a conv's output elements x (in/groups) x kh x kw, a linear layer's in x out.
 */
export function multiplyAccumulates(graph: Graph): number {
  let total = 0
  for (const node of graph.nodes) {
    const geometry = layerGeometry(graph, node)
    if (!geometry) continue
    const perImage = elementCount(node.shape) / node.shape[0]
    total += perImage * geometry.fanIn
  }
  return total
}

export const flopsProxy: Proxy = {
  id: 'flops',
  title: 'multiply-accumulates per image (conv + linear)',
  needs: { forward: false, gradients: false, labels: false },
  compute: (network) => multiplyAccumulates(network.graph),
}
