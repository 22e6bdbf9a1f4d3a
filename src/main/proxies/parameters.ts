import type { Graph, Node } from '../core/ir/graph.ts'
import { originalChannels } from '../core/ir/graph.ts'
import { SeededRandom } from '../core/random.ts'
import { EpsinasError } from '../../shared/errors.ts'

/**
 * The weights of one network for the proxies: unlike epsilon's constant shared weight, every
 * conv/linear layer gets its own random tensor, as the proxies' reference code (PyTorch models at
 * their default initialisation) has them. Layouts are PyTorch's, so a test can write the same
 * numbers into a torch module: conv [out, in/groups, kh, kw], linear [out, in].
 */
export interface LayerParameters {
  /** The IR node the layer is. */
  readonly node: number
  readonly kind: 'conv' | 'linear'
  readonly weight: Float32Array
  readonly weightShape: readonly number[]
  /** nn.Linear keeps its bias; the reference convs are bias-free (ir/parameters.ts). */
  readonly bias: Float32Array | null
}

/** Every weighted layer of a graph, in node order. BatchNorm is gamma 1, beta 0 (PyTorch's init) and needs no entry. */
export interface NetworkParameters {
  readonly layers: readonly LayerParameters[]
}

/** A layer's weight shape (PyTorch layout) and fan-in, or null for a node without weights. */
export function layerGeometry(graph: Graph, node: Node): { kind: 'conv' | 'linear'; weightShape: number[]; fanIn: number; bias: boolean } | null {
  const op = node.op
  const inChannels = (): number => originalChannels(graph.nodes[node.inputs[0]])
  switch (op.kind) {
    case 'conv2d':
      return { kind: 'conv', weightShape: [op.outChannels, inChannels(), op.kernel, op.kernel], fanIn: inChannels() * op.kernel * op.kernel, bias: false }
    case 'conv': {
      const perGroup = inChannels() / op.groups
      const [kh, kw] = op.window.kernel
      return { kind: 'conv', weightShape: [op.outChannels, perGroup, kh, kw], fanIn: perGroup * kh * kw, bias: false }
    }
    case 'linear':
      return { kind: 'linear', weightShape: [op.outFeatures, inChannels()], fanIn: inChannels(), bias: true }
    case 'multilinear':
    case 'embedding':
      throw new EpsinasError('BAD_ARGUMENT', `${node.label}: the native proxies run on image networks; op '${op.kind}' (NB-NLP) is not supported`)
    default:
      return null
  }
}

/**
 * PyTorch's default initialisation, seeded: nn.Conv2d and nn.Linear call kaiming_uniform_(a=sqrt(5)),
 * whose bound gain * sqrt(3 / fan_in) with gain sqrt(2 / (1 + a^2)) = sqrt(1/3) is 1 / sqrt(fan_in);
 * the bias is uniform with the same bound. Draws run layer by layer in node order, weight before
 * bias, from one sfc32 stream (core/random.ts), so a seed fixes every value on every machine (the
 * stream is not torch's: the same seed gives other numbers than torch.manual_seed, same distribution).
 */
export function initialiseParameters(graph: Graph, seed: number, scheme: InitScheme = 'pytorch-default'): NetworkParameters {
  const random = new SeededRandom(seed)
  const uniform = (count: number, bound: number): Float32Array => {
    const values = new Float32Array(count)
    for (let i = 0; i < count; i++) values[i] = (2 * random.nextFloat() - 1) * bound
    return values
  }
  const layers: LayerParameters[] = []
  for (const node of graph.nodes) {
    const geometry = layerGeometry(graph, node)
    if (!geometry) continue
    if (scheme !== 'pytorch-default') {
      layers.push({ node: node.id, ...studyLayer(geometry, scheme, random) })
      continue
    }
    const bound = 1 / Math.sqrt(geometry.fanIn)
    const weight = uniform(geometry.weightShape.reduce((a, b) => a * b, 1), bound)
    const bias = geometry.bias ? uniform(geometry.weightShape[0], bound) : null
    layers.push({ node: node.id, kind: geometry.kind, weight, weightShape: geometry.weightShape, bias })
  }
  return { layers }
}

/**
 * The initialisation schemes of the paper's Table 9 (`epsinas study init`), as the reference's
 * ablation notebook (NAS-Bench-201/Ablations.ipynb) applies them, read and not copied: the conv
 * weights by the scheme with torch.nn.init's defaults, every nn.Linear N(0, 0.01) with bias 0,
 * BatchNorm gamma 1 and beta 0 (as here always). 'pytorch-default' is the proxies' initialisation.
 */
export const INIT_SCHEMES = ['uniform', 'normal', 'kaiming-uniform', 'kaiming-normal', 'orthogonal'] as const
export type InitScheme = (typeof INIT_SCHEMES)[number] | 'pytorch-default'

type Geometry = NonNullable<ReturnType<typeof layerGeometry>>

/** One layer under a Table 9 scheme, drawn from `random` (weight first). */
function studyLayer(geometry: Geometry, scheme: Exclude<InitScheme, 'pytorch-default'>, random: SeededRandom): Omit<LayerParameters, 'node'> {
  const { kind, weightShape } = geometry
  const count = weightShape.reduce((a, b) => a * b, 1)
  const draw = (value: () => number): Float32Array => Float32Array.from({ length: count }, value)
  if (kind === 'linear') {
    return { kind, weightShape, weight: draw(() => 0.01 * random.nextNormal()), bias: geometry.bias ? new Float32Array(weightShape[0]) : null }
  }
  // torch's fans of a conv weight [out, in, kh, kw]: fan_in = in * kh * kw, fan_out = out * kh * kw.
  const fanOut = weightShape[0] * weightShape.slice(2).reduce((a, b) => a * b, 1)
  const weight = (() => {
    switch (scheme) {
      case 'uniform':
        return draw(() => random.nextFloat())
      case 'normal':
        return draw(() => random.nextNormal())
      case 'kaiming-uniform': {
        // a = 0, leaky_relu: gain sqrt(2), bound gain * sqrt(3 / fan_in).
        const bound = Math.sqrt(6 / geometry.fanIn)
        return draw(() => (2 * random.nextFloat() - 1) * bound)
      }
      case 'kaiming-normal': {
        // The notebook asks for mode='fan_out', nonlinearity='relu': std sqrt(2 / fan_out).
        const std = Math.sqrt(2 / fanOut)
        return draw(() => std * random.nextNormal())
      }
      case 'orthogonal':
        return orthogonal(weightShape[0], count / weightShape[0], random)
    }
  })()
  return { kind, weightShape, weight, bias: null }
}

/**
 * torch.nn.init.orthogonal_ (gain 1) of a [rows, cols] matrix, row-major: a standard normal matrix,
 * taken tall (transposed when rows < cols), its QR factor Q with R's diagonal made positive, back to
 * [rows, cols]. Q is computed by modified Gram-Schmidt in float64, which yields exactly that Q (the
 * QR factorisation with a positive diagonal is unique), not torch's Householder bits.
 */
function orthogonal(rows: number, cols: number, random: SeededRandom): Float32Array {
  const flat = Float64Array.from({ length: rows * cols }, () => random.nextNormal())
  const tall = rows >= cols
  const [m, n] = tall ? [rows, cols] : [cols, rows]
  // Column j of the tall matrix, as a float64 vector of length m.
  const columns = Array.from({ length: n }, (_, j) => Float64Array.from({ length: m }, (_, i) => (tall ? flat[i * cols + j] : flat[j * cols + i])))
  for (let j = 0; j < n; j++) {
    const v = columns[j]
    for (let k = 0; k < j; k++) {
      const q = columns[k]
      let dot = 0
      for (let i = 0; i < m; i++) dot += q[i] * v[i]
      for (let i = 0; i < m; i++) v[i] -= dot * q[i]
    }
    let norm = 0
    for (let i = 0; i < m; i++) norm += v[i] * v[i]
    norm = Math.sqrt(norm)
    for (let i = 0; i < m; i++) v[i] /= norm
  }
  const out = new Float32Array(rows * cols)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = tall ? columns[c][r] : columns[r][c]
  return out
}

/** Parameters given value by value (tests write the numbers their PyTorch reference used). */
export function explicitParameters(graph: Graph, values: ReadonlyMap<number, { weight: readonly number[]; bias?: readonly number[] }>): NetworkParameters {
  const layers: LayerParameters[] = []
  for (const node of graph.nodes) {
    const geometry = layerGeometry(graph, node)
    if (!geometry) continue
    const given = values.get(node.id)
    const count = geometry.weightShape.reduce((a, b) => a * b, 1)
    if (!given || given.weight.length !== count) throw new EpsinasError('INTERNAL', `${node.label}: expected ${count} weights`)
    if (geometry.bias && given.bias?.length !== geometry.weightShape[0]) throw new EpsinasError('INTERNAL', `${node.label}: expected ${geometry.weightShape[0]} biases`)
    layers.push({ node: node.id, kind: geometry.kind, weight: Float32Array.from(given.weight), weightShape: geometry.weightShape, bias: geometry.bias ? Float32Array.from(given.bias ?? []) : null })
  }
  return { layers }
}
