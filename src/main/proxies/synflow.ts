import type { Graph, OpKind } from '../core/ir/graph.ts'
import { weightGradients } from './gradients.ts'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { TfjsRuntime } from '../core/backends/tfjs/runtime.ts'
import { finiteOrNull, type Proxy, type ProxyBatch, type ProxyNetwork } from './proxy.ts'

/**
 * Ops that commute with a positive scale of their input when the weights are non-negative: with
 * BatchNorm removed, a graph of these (its one affine layer, the classifier, last) gives
 * dR/dtheta(alpha x) = alpha dR/dtheta(x) for every weight theta, exactly.
 */
const SCALE_EQUIVARIANT: ReadonlySet<OpKind> = new Set<OpKind>(['input', 'conv2d', 'conv', 'batchnorm', 'relu', 'avgpool', 'maxpool', 'pool', 'zero', 'add', 'globalavgpool', 'spatialmean', 'concat', 'channelslice', 'regroup', 'pad', 'flatten'])

/**
 * 2^-64 for the input and for the objective, where the network is scale-equivariant and the plain
 * computation overflows: forward values then stay below R * 2^-64 and backward ones below
 * dR/dh * 2^-64 (R is 1e36 on a large NB201 net, float32 stops at 3.4e38).
 */
const SCALE_EXPONENT = 64

/**
 * SynFlow (Tanaka et al. 2020; NASLib `synflow`, bn=False): every parameter replaced by its absolute
 * value, BatchNorm removed (identity), one all-ones image in; R = sum of the outputs, and the score is
 * the sum over conv/linear weights of |theta * dR/dtheta|. The reference runs in float64; tfjs has no
 * float64. So this runs in float32 and sums the products in float64; where that overflows and the
 * network is scale-equivariant (every op above, the linear classifier last), it runs again with the
 * input 2^-64 instead of 1 and the objective 2^-64 R, and multiplies the sum back by 2^128: powers of
 * two, so the value is the same float32 computation, in range. Otherwise a non-finite result is null.
 * NASLib's file stores log(score); this stores the score itself (a monotone difference: same ranking).
 */
export const synflowProxy: Proxy = {
  id: 'synflow',
  title: 'SynFlow',
  needs: { forward: true, gradients: true, labels: false },
  // Revision 2: max pooling's gradient is our own (max-pool.ts); tfjs-wasm's MaxPoolGrad lost some windows' gradients.
  revision: 2,
  compute(network, batch, { runtime }) {
    const plain = synflowAt(network, batch, runtime, 0)
    if (Number.isFinite(plain) || !scaleEquivariant(network.graph)) return finiteOrNull(plain)
    return finiteOrNull(synflowAt(network, batch, runtime, SCALE_EXPONENT))
  },
}

/** The score with the input 2^-e and the objective 2^-e R, scaled back by 2^2e. */
function synflowAt(network: ProxyNetwork, batch: ProxyBatch, runtime: TfjsRuntime, exponent: number): number {
  const { tf } = runtime
  const [, c, h, w] = batch.shape
  const ones = { data: new Float32Array(c * h * w).fill(2 ** -exponent), shape: [1, c, h, w] as const }
  const abs = (values: Float32Array): Float32Array => values.map(Math.abs)
  const objective = (output: Tensor): Tensor => tf.mul(tf.sum(output), tf.scalar(2 ** -exponent))
  const layers = weightGradients(runtime, network, ones, objective, { batchnorm: false }, abs)
  let score = 0
  for (const { weight, gradient } of layers) for (let i = 0; i < weight.length; i++) score += Math.abs(weight[i] * gradient[i])
  return score * 2 ** (2 * exponent)
}

/** Whether dR/dtheta is linear in a positive input scale (see SCALE_EQUIVARIANT). */
export function scaleEquivariant(graph: Graph): boolean {
  return graph.nodes.every((node) => SCALE_EQUIVARIANT.has(node.op.kind) || (node.op.kind === 'linear' && node.id === graph.output))
}
