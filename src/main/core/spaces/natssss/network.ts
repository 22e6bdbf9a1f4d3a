import type { Graph } from '../../ir/graph.ts'
import { GraphBuilder, type TensorRef } from '../../ir/builder.ts'
import { BN_EPS, classifierHead, reductionBlock, reluConvBn, stem } from '../nb201/network.ts'
import { type NatsSssArch, parseNatsSssArch } from './arch.ts'

/** Macro parameters of the NATS-Bench size-space network besides its channels. */
export interface NatsSssNetworkOptions {
  batchSize: number
  imageSize: number
  classes: number
}

/**
 * The cell every size-space network uses (NATS-Bench fixes it to the best NB201 cell):
 * `|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|`.
 */
export const NATSSSS_CELL = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'

/**
 * The reference skip_connect from C_in to C_out channels at stride 1: the tensor itself when the
 * widths match, else FactorizedReduce at stride 1, which is a bias-free 1x1 conv then BN with no
 * ReLU before it (xautodl cell_operations).
 */
function skipConnect(b: GraphBuilder, x: TensorRef, outChannels: number): TensorRef {
  if (b.node(x).shape[1] === outChannels) return x
  const conv = b.add({ kind: 'conv2d', outChannels, kernel: 1, stride: 1, pad: 0 }, [x], 'conv')
  return b.add({ kind: 'batchnorm', eps: BN_EPS }, [conv], 'bn')
}

/**
 * The reference InferCell of NATSSSS_CELL from the input's width to `channels`: the edges from
 * node 0 map C_in -> C_out, the others C_out -> C_out; each node sums its edges in arch-string order.
 */
function cell(b: GraphBuilder, x: TensorRef, channels: number): TensorRef {
  const node1 = b.scope('node1.edge0', () => reluConvBn(b, x, channels, 3, 1))
  const node2 = b.add(
    { kind: 'add' },
    [b.scope('node2.edge0', () => reluConvBn(b, x, channels, 3, 1)), b.scope('node2.edge1', () => reluConvBn(b, node1, channels, 3, 1))],
    'node2.sum',
  )
  const terms = [
    b.scope('node3.edge0', () => skipConnect(b, x, channels)),
    b.scope('node3.edge1', () => reluConvBn(b, node1, channels, 3, 1)),
    b.scope('node3.edge2', () => reluConvBn(b, node2, channels, 3, 1)),
  ]
  return b.add({ kind: 'add' }, terms, 'node3.sum')
}

/**
 * Builds xautodl's DynamicShapeTinyNet ('infer.shape.tiny') for channels C1..C5: stem conv 3 -> C1
 * and BN; cell C1 -> C1; ResNet reduction block C1 -> C2 (stride 2); cell C2 -> C3; reduction
 * C3 -> C4; cell C4 -> C5; then BN, ReLU, global average pooling and the classifier. One cell per
 * stage: 5 channels means N = 5 // 3 = 1 in the reference.
 */
export function buildNatsSssNetwork(arch: string | NatsSssArch, options: NatsSssNetworkOptions): Graph {
  const channels = typeof arch === 'string' ? parseNatsSssArch(arch) : arch
  const b = new GraphBuilder()
  let x = stem(b, options.batchSize, options.imageSize, channels[0])
  channels.forEach((width, layer) => {
    const from = x
    // Layers 1 and 3 are the reductions (layer_reductions = [F, T, F, T, F] in the reference).
    x = b.scope(`cell${layer}`, () => (layer % 2 === 1 ? reductionBlock(b, from, width) : cell(b, from, width)))
  })
  return b.build(classifierHead(b, x, options.classes))
}
