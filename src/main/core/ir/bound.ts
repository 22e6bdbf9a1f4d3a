import type { Graph, ImportedOp, Node } from './graph.ts'
import { isImportedOp, originalChannels } from './graph.ts'
import { windowOutputShape } from './shapes.ts'
import { hasEmptyWindow } from './window2d.ts'
import { embeddingBound } from './embedding-table.ts'

/**
 * Upper bounds on |value| of every tensor of a graph under epsilon's initialisation, by interval
 * reasoning per op. Used to prove that no inf or NaN can appear in a forward pass, which is exactly
 * when `x * 0` equals 0 and dropping `none` edges (the canonical form) changes no bit.
 *
 * The key fact: train-mode BatchNorm output is gamma * (x - mean) / sqrt(var + eps), and for M
 * values |x_i - mean| <= sqrt(M - 1) * sqrt(var) (equality when one value differs), so a BN output is
 * bounded by |w| * sqrt(M - 1) whatever its input, as long as that input is finite and its square
 * does not overflow float32 (checked with SQUARE_LIMIT).
 */

/** Bounds above this are treated as a possible overflow; far below float32's 3.4e38 to absorb rounding. */
const LIMIT = 1e30
/** Headroom per op for float32 rounding: the stored value may exceed the exact one by a few ulps. */
const ROUNDING_MARGIN = 1 + 2 ** -16
/** BN squares its input to compute the variance: keep |x|^2 well under float32's range. */
const SQUARE_LIMIT = 1e18

/** Largest |value| any node can take, or Infinity when overflow cannot be ruled out. */
export function magnitudeBound(graph: Graph, weight: number, inputBound: number): number {
  const w = Math.abs(Math.fround(weight))
  const bounds = new Array<number>(graph.nodes.length)
  let worst = 0
  for (const node of graph.nodes) {
    const inputs = node.inputs.map((i) => bounds[i])
    const x = inputs[0]
    const op = node.op
    let bound: number
    if (isImportedOp(op)) bound = importedBound(op, node, graph.nodes[node.inputs[0]], inputs, w)
    else switch (op.kind) {
      case 'input':
        bound = inputBound
        break
      case 'conv2d': {
        const fanIn = originalChannels(graph.nodes[node.inputs[0]]) * op.kernel * op.kernel
        bound = x * w * fanIn
        break
      }
      case 'linear':
        bound = x * w * originalChannels(graph.nodes[node.inputs[0]])
        break
      case 'batchnorm': {
        if (!(x <= SQUARE_LIMIT)) return Number.POSITIVE_INFINITY
        const [n, , h, wd] = graph.nodes[node.inputs[0]].shape
        // A factor of 2 covers float32 rounding of the mean and variance.
        bound = 2 * w * Math.sqrt(Math.max(n * (h ?? 1) * (wd ?? 1) - 1, 1))
        break
      }
      case 'relu':
      case 'avgpool':
      case 'maxpool':
      case 'globalavgpool':
      case 'regroup':
      case 'channelslice':
        bound = x
        break
      case 'concat':
        bound = Math.max(...inputs)
        break
      case 'zero':
        bound = 0
        break
      case 'add':
        bound = inputs.reduce((a, b) => a + b, 0)
        break
      case 'multilinear':
        // Bias w plus, per input, |x| * w * (number of original input features).
        bound = node.inputs.reduce((sum, id, i) => sum + inputs[i] * w * originalChannels(graph.nodes[id]), w)
        break
      case 'sigmoid':
      case 'tanh':
        bound = 1
        break
      case 'leakyrelu':
      case 'rows':
        bound = x
        break
      case 'mul':
        bound = inputs.reduce((a, b) => a * b, 1)
        break
      case 'blend':
        bound = inputs[0] * inputs[1] + (1 + inputs[0]) * inputs[2]
        break
      case 'fillweight':
        bound = w
        break
      case 'embedding':
        bound = embeddingBound(op.vocabulary, op.features, op.seed, op.init)
        break
      case 'stackrows':
        bound = Math.max(...inputs)
        break
    }
    // float32 rounding of each op can add a relative error of about 2^-24 per term summed.
    bound *= ROUNDING_MARGIN
    if (!(bound <= LIMIT)) return Number.POSITIVE_INFINITY
    bounds[node.id] = bound
    worst = Math.max(worst, bound)
  }
  return worst
}

/** True when no intermediate value of the forward pass can be inf or NaN (for any input bounded by inputBound). */
export function provablyFinite(graph: Graph, weight: number, inputBound: number): boolean {
  return Number.isFinite(magnitudeBound(graph, weight, inputBound))
}

/** Bound of an imported (ONNX) op's output from its inputs' bounds; Infinity when it cannot be bounded. */
function importedBound(op: ImportedOp, node: Node, input: Node, inputs: readonly number[], w: number): number {
  const x = inputs[0]
  switch (op.kind) {
    case 'conv': {
      // |out| <= w * (largest number of original input channels of one group) * kernel taps * |x|:
      // each output sums m_s window taps of each stored channel s of its group.
      const perGroup = input.channelMultiplicity.length / op.groups
      let fanIn = 0
      for (let g = 0; g < op.groups; g++) {
        const members = input.channelMultiplicity.slice(g * perGroup, (g + 1) * perGroup)
        fanIn = Math.max(fanIn, members.reduce((a, b) => a + b, 0))
      }
      return x * w * fanIn * op.window.kernel[0] * op.window.kernel[1]
    }
    case 'pool': {
      // A max or mean of in-bounds values (a mean with a larger divisor only shrinks). A window with
      // no in-bounds tap gives -inf (max) or 0/0 (average without the padding): not finite.
      const [, , height, width] = input.shape
      const [oh, ow] = windowOutputShape(height, width, op.window, op.ceilMode)
      return hasEmptyWindow(op.window, height, width, oh, ow) && !(op.mode === 'avg' && op.countIncludePad) ? Number.POSITIVE_INFINITY : x
    }
    case 'hardsigmoid':
      // Clamped to [0, 1] for finite x, unless alpha * x + beta is inf - inf or 0 * inf.
      return Number.isFinite(Math.fround(op.alpha)) && Number.isFinite(Math.fround(op.beta)) ? 1 : Number.POSITIVE_INFINITY
    case 'hardswish':
      // x times a factor in [0, 1].
      return x
    case 'clip': {
      // x in [-X, X] -> max(x, lo) in [max(-X, lo), max(X, lo)] -> min(., hi) within the clamped ends.
      const lo = Math.fround(op.min)
      const hi = Math.fround(op.max)
      if (Number.isNaN(lo) || Number.isNaN(hi)) return Number.POSITIVE_INFINITY
      return Math.max(Math.abs(Math.min(Math.max(-x, lo), hi)), Math.abs(Math.min(Math.max(x, lo), hi)))
    }
    case 'sub':
      return inputs[0] + inputs[1]
    case 'scalar': {
      const v = Math.abs(Math.fround(op.value))
      if (!Number.isFinite(v)) return Number.POSITIVE_INFINITY
      if (op.fn === 'add' || op.fn === 'sub') return x + v
      if (op.fn === 'mul') return x * v
      // x / v is bounded by |x| / |v| (inf for v = 0); v / x has no bound (x may be 0).
      return op.scalarFirst ? Number.POSITIVE_INFINITY : x / v
    }
    case 'pad':
    case 'flatten':
    case 'spatialmean':
      // Zeros added or values cropped, values moved, or a mean of values.
      return x
  }
}
