import { SeededRandom } from '../../core/random.ts'
import { ACTIVATIONS, OnnxSketch, type Activation, type SketchTensor } from './sketch.ts'

/**
 * Seeded generators of ONNX networks by op family, written as torch.onnx.export writes them: the
 * importer's agreement tests (collapsed vs full width) and bench/ use them. Each model is small
 * (tiny images, few channels) so 30 of a family score in seconds; the same (family, seed, index)
 * always gives the same bytes.
 */

export const ONNX_FAMILIES = ['plain', 'mobilenet', 'darts', 'heads'] as const
export type OnnxFamily = (typeof ONNX_FAMILIES)[number]

export interface FamilyOptions {
  /** Input height and width (default 8). */
  imageSize?: number
  /** Input channels (default 3). */
  channels?: number
  /** Batch axis of the written input: a symbol (default 'N') or a fixed size. */
  batch?: number | string
  /**
   * Multiplies the channel counts of the mobilenet and darts families, for benches at realistic
   * widths (default 1: the small models the agreement tests use).
   */
  widen?: number
}

/** Opsets torch.onnx.export users meet, in the forms that differ (Clip, Unsqueeze, Split, ReduceMean, BN). */
const OPSETS = [11, 12, 13, 14, 16, 17, 18, 20] as const

function pick<T>(random: SeededRandom, items: readonly T[]): T {
  return items[random.nextInt(items.length)]
}

type Generator = (s: OnnxSketch, random: SeededRandom, index: number, widen: number) => SketchTensor

function convBnAct(s: OnnxSketch, x: SketchTensor, out: number, act: Activation, kernel = 3, stride = 1, group = 1, dilation = 1): SketchTensor {
  return s.act(s.bn(s.conv(x, { out, kernel, stride, group, dilation })), act)
}

function classifier(s: OnnxSketch, x: SketchTensor, random: SeededRandom): SketchTensor {
  return s.gemm(s.flatten(s.globalAveragePool(x)), 2 + random.nextInt(9))
}

/**
 * Plain stacks: conv (square, rectangular, strided, asymmetric or auto pads) -> BN (all three export
 * forms) -> every activation in turn, with pooling variants (max/avg, count_include_pad both ways,
 * ceil mode, explicit zero Pad) between blocks.
 */
const plain: Generator = (s, random, index) => {
  let x = s.input
  const blocks = 2 + random.nextInt(3)
  for (let b = 0; b < blocks; b++) {
    const out = 2 + random.nextInt(5)
    const shape = random.nextInt(4)
    const conv =
      shape === 0 ? s.conv(x, { out, kernel: pick(random, [1, 3, 5]) })
      : shape === 1 ? s.conv(x, { out, kernel: [1, 3], pads: [0, 1, 0, 1] })
      : shape === 2 ? s.conv(x, { out, kernel: 3, pads: [0, 0, 1, 1] })
      : s.conv(x, { out, kernel: 3, stride: x.dims[1] >= 6 ? 2 : 1, autoPad: pick(random, ['SAME_UPPER', 'SAME_LOWER'] as const) })
    x = s.bn(conv, random.nextInt(4) === 0 ? 'eval' : 'training')
    x = s.act(x, ACTIVATIONS[(index + b) % ACTIVATIONS.length])
    const pooling = random.nextInt(6)
    if (pooling === 0 && x.dims[1] >= 4) x = s.pool('MaxPool', x, { kernel: 3, stride: 2, ceilMode: true })
    else if (pooling === 1) x = s.pool('AveragePool', x, { kernel: 3, pads: [1, 1, 1, 1], countIncludePad: random.nextInt(2) === 0 })
    else if (pooling === 2) x = s.pool('MaxPool', x, { kernel: 3, pads: [1, 1, 1, 1] })
    else if (pooling === 3) x = s.pool('AveragePool', x, { kernel: [2, 3], stride: [1, 1], pads: [0, 1, 1, 1], countIncludePad: random.nextInt(2) === 0 })
    else if (pooling === 4) x = s.node('Pad', [x.name, s.constant([0, 0, 1, 0, 0, 0, 0, 1], [8], 'int64')], [x.dims[0], x.dims[1] + 1, x.dims[2] + 1])
    const extra = random.nextInt(4)
    // SiLU as torch exports it (x * sigmoid(x)), and a high-pass x - avgpool(x): tensor Mul and Sub.
    if (extra === 0) x = s.binary('Mul', x, s.act(x, 'sigmoid'))
    else if (extra === 1) x = s.binary('Sub', x, s.pool('AveragePool', x, { kernel: 3, pads: [1, 1, 1, 1], countIncludePad: true }))
  }
  return classifier(s, x, random)
}

/** MobileNetV2-style: inverted residuals (1x1 expand, depthwise 3x3, 1x1 project) with ReLU6 (or HardSwish) and residual Add. */
const mobilenet: Generator = (s, random, _index, widen) => {
  const act: Activation = random.nextInt(4) === 0 ? 'hardswish' : 'relu6'
  let x = convBnAct(s, s.input, widen * (2 + random.nextInt(4)), act)
  const blocks = 2 + random.nextInt(3)
  for (let b = 0; b < blocks; b++) {
    const inChannels = x.dims[0]
    const expand = 1 + random.nextInt(4)
    const stride = random.nextInt(3) === 0 && x.dims[1] >= 4 ? 2 : 1
    const out = random.nextInt(2) === 0 ? inChannels : widen * (2 + random.nextInt(5))
    if (inChannels % 2 === 0 && random.nextInt(4) === 0) {
      // ShuffleNetV2-style half block: torch.chunk(x, 2, dim=1) -> Split; one half convolved; Concat.
      const half = inChannels / 2
      const first = s.node('Split', [x.name, s.constant([half, half], [2], 'int64')], [half, x.dims[1], x.dims[2]], { axis: { int: 1 } }, 1)
      const second = { name: first.name.replace(/_output_0$/, '_output_1'), dims: first.dims }
      x = s.concat([first, convBnAct(s, convBnAct(s, second, half, act, 3, 1, half), half, act, 1)])
      continue
    }
    const hidden = inChannels * expand
    let y = expand === 1 ? x : convBnAct(s, x, hidden, act, 1)
    y = convBnAct(s, y, hidden, act, 3, stride, hidden)
    y = s.bn(s.conv(y, { out, kernel: 1 }))
    x = stride === 1 && out === inChannels ? s.binary('Add', x, y) : y
  }
  x = convBnAct(s, x, widen * (4 + random.nextInt(5)), act, 1)
  return random.nextInt(2) === 0 ? classifier(s, x, random) : s.gemm(s.reduceMean(x, false), 2 + random.nextInt(9))
}

type DartsOp = 'sep3' | 'sep5' | 'dil3' | 'dil5' | 'max' | 'avg' | 'skip'
const DARTS_OPS: readonly DartsOp[] = ['sep3', 'sep5', 'dil3', 'dil5', 'max', 'avg', 'skip']

/** A DARTS edge: separable conv (twice ReLU-dw-pw-BN), dilated separable conv, 3x3 pooling, or skip. */
function dartsEdge(s: OnnxSketch, x: SketchTensor, op: DartsOp, stride: number): SketchTensor {
  const c = x.dims[0]
  const sep = (input: SketchTensor, kernel: number, dilation: number, st: number): SketchTensor =>
    s.bn(s.conv(s.conv(s.act(input, 'relu'), { out: c, kernel, stride: st, group: c, dilation }), { out: c, kernel: 1 }))
  switch (op) {
    case 'sep3':
      return sep(sep(x, 3, 1, stride), 3, 1, 1)
    case 'sep5':
      return sep(sep(x, 5, 1, stride), 5, 1, 1)
    case 'dil3':
      return sep(x, 3, 2, stride)
    case 'dil5':
      return sep(x, 5, 2, stride)
    case 'max':
      return s.pool('MaxPool', x, { kernel: 3, stride, pads: [1, 1, 1, 1] })
    case 'avg':
      return s.pool('AveragePool', x, { kernel: 3, stride, pads: [1, 1, 1, 1], countIncludePad: false })
    case 'skip':
      // In a reduction cell DARTS's skip is a factorized reduce; a strided 1x1 conv + BN stands in.
      return stride === 1 ? x : s.bn(s.conv(s.act(x, 'relu'), { out: c, kernel: 1, stride }))
  }
}

/** DARTS-style cells: nodes summing two edges of earlier states, outputs concatenated, 1x1 ReLU-conv-BN preprocessing. */
const darts: Generator = (s, random, _index, widen) => {
  const c = widen * (2 + random.nextInt(3))
  let x = s.bn(s.conv(s.input, { out: c, kernel: 3 }))
  const cells = 1 + random.nextInt(2)
  for (let cell = 0; cell < cells; cell++) {
    const reduction = cell === 1 && x.dims[1] >= 4
    const pre = s.bn(s.conv(s.act(x, 'relu'), { out: c, kernel: 1 }))
    const states = [pre]
    const nodes = 2 + random.nextInt(2)
    for (let n = 0; n < nodes; n++) {
      const edges = [0, 1].map(() => {
        const from = random.nextInt(states.length)
        const stride = reduction && from === 0 ? 2 : 1
        return dartsEdge(s, states[from], pick(random, DARTS_OPS), stride)
      })
      // Edges from reduced and unreduced states cannot be summed: reduce the odd one out.
      const size = reduction ? Math.ceil(pre.dims[1] / 2) : pre.dims[1]
      const [a, b] = edges.map((e) => (e.dims[1] !== size ? s.pool('MaxPool', e, { kernel: 3, stride: 2, pads: [1, 1, 1, 1] }) : e))
      states.push(a.dims[1] === b.dims[1] ? s.binary('Add', a, b) : a)
    }
    const outputs = states.slice(1)
    const size = outputs[0].dims[1]
    x = s.concat(outputs.filter((o) => o.dims[1] === size))
  }
  return classifier(s, x, random)
}

/**
 * Heads on a small conv body: GAP + Flatten + Gemm, ReduceMean + Gemm, ReduceMean(keepdims) +
 * Squeeze + Gemm, x.view(x.size(0), -1) + MatMul (flatten of a 2x2 map), GlobalMaxPool, and MLP
 * heads with BatchNorm1d, ReLU and Dropout; some with the input normalised inside the model
 * ((x - 0.5) / 0.25, scalar ops).
 */
const heads: Generator = (s, random, index) => {
  let x = s.input
  if (random.nextInt(3) === 0) x = s.scalar('Div', s.scalar('Sub', x, 0.5), 0.25)
  // Activations that are not positively homogeneous (unlike ReLU): with BN's gamma = w, a body of
  // ReLUs ahead of a linear head scales exactly with w and its epsilon is float32 noise.
  const act = (): Activation => pick(random, ['relu6', 'hardswish', 'sigmoid', 'tanh', 'hardsigmoid'] as const)
  x = convBnAct(s, x, 2 + random.nextInt(5), act())
  if (random.nextInt(2) === 0) x = convBnAct(s, x, 2 + random.nextInt(5), act(), 3, 2)
  if (x.dims[0] >= 3 && random.nextInt(3) === 0) {
    // x[:, 1:] as torch exports it: Slice with starts/ends/axes inputs.
    x = s.node('Slice', [x.name, s.constant([1], [1], 'int64'), s.constant([2 ** 62], [1], 'int64'), s.constant([1], [1], 'int64')], [x.dims[0] - 1, x.dims[1], x.dims[2]])
  }
  const classes = 2 + random.nextInt(9)
  let features: SketchTensor
  switch (index % 5) {
    case 0:
      features = s.flatten(s.globalAveragePool(x))
      break
    case 1:
      features = s.reduceMean(x, false)
      break
    case 2:
      features = s.node('Squeeze', [s.reduceMean(x, true).name, s.constant([2, 3], [2], 'int64')], [x.dims[0]])
      if (s.opset < 13) features = s.flatten(s.reduceMean(x, true))
      break
    case 3: {
      const half = Math.max(1, Math.floor(x.dims[1] / 2))
      const pooled = s.pool('AveragePool', x, { kernel: half, stride: half })
      return s.matmul(s.viewFlatten(pooled), classes)
    }
    default:
      features = s.flatten(s.node('GlobalMaxPool', [x.name], [x.dims[0], 1, 1]))
  }
  if (random.nextInt(2) === 0) {
    const hidden = s.act(s.bn(s.gemm(features, 3 + random.nextInt(6))), act())
    features = s.node('Dropout', [hidden.name], hidden.dims, { ratio: { float: 0.5 } })
  }
  return s.gemm(features, classes)
}

const GENERATORS: Record<OnnxFamily, Generator> = { plain, mobilenet, darts, heads }

/** Model `index` of a family: .onnx bytes, the same for the same (family, seed, index, options). */
export function familyModel(family: OnnxFamily, seed: number, index: number, options: FamilyOptions = {}): Uint8Array {
  const random = new SeededRandom((seed * 1000003 + index * 7919 + ONNX_FAMILIES.indexOf(family) * 104729) >>> 0)
  const opset = pick(random, OPSETS)
  const s = new OnnxSketch(options.channels ?? 3, options.imageSize ?? 8, opset)
  return s.encode(GENERATORS[family](s, random, index, options.widen ?? 1), options.batch ?? 'N')
}

/** `count` models of a family (indices 0..count-1). */
export function familyModels(family: OnnxFamily, count: number, seed: number, options: FamilyOptions = {}): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => familyModel(family, seed, i, options))
}
