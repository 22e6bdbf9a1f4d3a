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
export function initialiseParameters(graph: Graph, seed: number): NetworkParameters {
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
    const bound = 1 / Math.sqrt(geometry.fanIn)
    const weight = uniform(geometry.weightShape.reduce((a, b) => a * b, 1), bound)
    const bias = geometry.bias ? uniform(geometry.weightShape[0], bound) : null
    layers.push({ node: node.id, kind: geometry.kind, weight, weightShape: geometry.weightShape, bias })
  }
  return { layers }
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
