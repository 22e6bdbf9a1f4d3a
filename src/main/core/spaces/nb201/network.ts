import type { Graph } from '../../ir/graph.ts'
import { GraphBuilder, type TensorRef } from '../../ir/builder.ts'
import type { Nb201Cell } from './arch.ts'
import { parseNb201Arch } from './arch.ts'
import { type CellExpr, cellOutputExpr, exprKey } from './canonical.ts'

/** BatchNorm epsilon of PyTorch, used by the reference. */
export const BN_EPS = 1e-5

/** Macro parameters of the NAS-Bench-201 network. */
export interface Nb201NetworkOptions {
  batchSize: number
  imageSize: number
  classes: number
  /** Channels of the first stage (16 in the benchmark). */
  channels?: number
  /** Cells per stage (5 in the benchmark). */
  cellsPerStage?: number
  /**
   * `literal`: every edge exactly as the reference runs it, `none` edges included (x * 0).
   * `pruned`: the canonical expression of `canonical.ts`: bit-identical while no inf/NaN can occur.
   */
  form: 'literal' | 'pruned'
}

/** The reference ReLUConvBN (xautodl cell_operations): ReLU, bias-free conv with `same` padding, BN. */
export function reluConvBn(b: GraphBuilder, x: TensorRef, outChannels: number, kernel: number, stride: number): TensorRef {
  const relu = b.add({ kind: 'relu' }, [x], 'relu')
  const conv = b.add({ kind: 'conv2d', outChannels, kernel, stride, pad: (kernel - 1) >> 1 }, [relu], 'conv')
  return b.add({ kind: 'batchnorm', eps: BN_EPS }, [conv], 'bn')
}

function edgeOp(b: GraphBuilder, op: string, x: TensorRef, channels: number): TensorRef {
  switch (op) {
    case 'none':
      return b.add({ kind: 'zero' }, [x], 'none')
    case 'skip_connect':
      return x
    case 'nor_conv_1x1':
      return b.scope('conv1x1', () => reluConvBn(b, x, channels, 1, 1))
    case 'nor_conv_3x3':
      return b.scope('conv3x3', () => reluConvBn(b, x, channels, 3, 1))
    case 'avg_pool_3x3':
      return b.add({ kind: 'avgpool', kernel: 3, stride: 1, pad: 1, countIncludePad: false }, [x], 'avgpool3x3')
    default:
      throw new Error(`unknown NAS-Bench-201 op ${op}`)
  }
}

function sumOf(b: GraphBuilder, terms: TensorRef[], label: string): TensorRef {
  return terms.length === 1 ? terms[0] : b.add({ kind: 'add' }, terms, label)
}

/** The reference InferCell: node j = sum of its edges in arch-string order; output = node 3. */
function literalCell(b: GraphBuilder, cell: Nb201Cell, x: TensorRef, channels: number): TensorRef {
  const nodes: TensorRef[] = [x]
  cell.nodes.forEach((edges, j) => {
    const terms = edges.map((edge, e) => b.scope(`node${j + 1}.edge${e}`, () => edgeOp(b, edge.op, nodes[edge.from], channels)))
    nodes.push(sumOf(b, terms, `node${j + 1}.sum`))
  })
  return nodes[nodes.length - 1]
}

/** The canonical cell: each distinct sub-expression computed once. */
function prunedCell(b: GraphBuilder, cell: Nb201Cell, x: TensorRef, channels: number): TensorRef {
  const memo = new Map<string, TensorRef>()
  const emit = (expr: CellExpr): TensorRef => {
    const key = exprKey(expr)
    const known = memo.get(key)
    if (known !== undefined) return known
    let ref: TensorRef
    switch (expr.kind) {
      case 'input':
        ref = x
        break
      case 'zero':
        ref = b.add({ kind: 'zero' }, [x], 'zero')
        break
      case 'op':
        ref = b.scope(key, () => edgeOp(b, expr.op, emit(expr.of), channels))
        break
      case 'sum':
        ref = sumOf(b, expr.terms.map(emit), `sum`)
        break
    }
    memo.set(key, ref)
    return ref
  }
  return emit(cellOutputExpr(cell))
}

/** The reference ResNetBasicblock with stride 2: shortcut (avg-pool 2x2 then 1x1 conv) + conv_b(conv_a(x)). */
export function reductionBlock(b: GraphBuilder, x: TensorRef, outChannels: number): TensorRef {
  const a = b.scope('conv_a', () => reluConvBn(b, x, outChannels, 3, 2))
  const c = b.scope('conv_b', () => reluConvBn(b, a, outChannels, 3, 1))
  const pooled = b.add({ kind: 'avgpool', kernel: 2, stride: 2, pad: 0, countIncludePad: true }, [x], 'shortcut.avgpool')
  const shortcut = b.add({ kind: 'conv2d', outChannels, kernel: 1, stride: 1, pad: 0 }, [pooled], 'shortcut.conv')
  return b.add({ kind: 'add' }, [shortcut, c], 'residual')
}

/** The xautodl tiny networks' stem: the input batch, a 3x3 conv to `channels`, BN. */
export function stem(b: GraphBuilder, batchSize: number, imageSize: number, channels: number): TensorRef {
  const input = b.input([batchSize, 3, imageSize, imageSize])
  return b.scope('stem', () => {
    const conv = b.add({ kind: 'conv2d', outChannels: channels, kernel: 3, stride: 1, pad: 1 }, [input], 'conv')
    return b.add({ kind: 'batchnorm', eps: BN_EPS }, [conv], 'bn')
  })
}

/** The xautodl tiny networks' head: BN, ReLU (lastact), global average pooling, the classifier. */
export function classifierHead(b: GraphBuilder, x: TensorRef, classes: number): TensorRef {
  return b.scope('head', () => {
    const bn = b.add({ kind: 'batchnorm', eps: BN_EPS }, [x], 'lastact.bn')
    const relu = b.add({ kind: 'relu' }, [bn], 'lastact.relu')
    const pooled = b.add({ kind: 'globalavgpool' }, [relu], 'pool')
    return b.add({ kind: 'linear', outFeatures: classes }, [pooled], 'classifier')
  })
}

/** Builds the NAS-Bench-201 TinyNetwork (metric.md section 4) for one arch string. */
export function buildNb201Network(arch: string | Nb201Cell, options: Nb201NetworkOptions): Graph {
  const cell = typeof arch === 'string' ? parseNb201Arch(arch) : arch
  const channels = options.channels ?? 16
  const perStage = options.cellsPerStage ?? 5
  const b = new GraphBuilder()
  let x = stem(b, options.batchSize, options.imageSize, channels)
  const makeCell = options.form === 'literal' ? literalCell : prunedCell
  let cellIndex = 0
  for (let stage = 0; stage < 3; stage++) {
    const stageChannels = channels << stage
    if (stage > 0) {
      const from = x
      x = b.scope(`cell${cellIndex++}.reduce`, () => reductionBlock(b, from, stageChannels))
    }
    for (let k = 0; k < perStage; k++) {
      const from = x
      x = b.scope(`cell${cellIndex++}`, () => makeCell(b, cell, from, stageChannels))
    }
  }
  return b.build(classifierHead(b, x, options.classes))
}
