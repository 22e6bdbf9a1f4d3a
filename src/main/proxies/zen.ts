import type { Tensor } from '@tensorflow/tfjs-core'
import type { Graph, Node } from '../core/ir/graph.ts'
import { SeededRandom } from '../core/random.ts'
import { activateBackend, type TfjsRuntime } from '../core/backends/tfjs/runtime.ts'
import { EpsinasError } from '../../shared/errors.ts'
import { forward, imageTensor, layerTensors } from './network.ts'
import type { LayerParameters, NetworkParameters } from './parameters.ts'
import { finiteOrNull, type Proxy, type ProxyBatch, type ProxyNetwork } from './proxy.ts'

/** Zen-NAS's perturbation scale (mixup_gamma) and nn.BatchNorm2d's default running-statistics momentum. */
export const ZEN_MIXUP_GAMMA = 1e-2
const BN_MOMENTUM = 0.1
/** The perturbation's own stream: fixed, so the score is a function of the key (init seed, input, batch) alone. */
const PERTURBATION_SEED = 0x2e4e

/**
 * Zen-score (Lin et al., ICCV 2021; reference idstcv/ZenNAS ZeroShotProxy/compute_zen_score.py,
 * one repeat as NASLib runs it): every conv/linear weight N(0, 1) (network_weight_gaussian_init),
 * BatchNorm gamma 1, beta 0 in train mode; x the batch and x' = x + 0.01 e with e ~ N(0, 1);
 * f the feature map before the global average pool; score = log(mean_n sum_chw |f(x) - f(x')|)
 * + sum over BatchNorm2d layers of log sqrt(mean_c running_var), where running_var is what
 * PyTorch's running statistics hold after those two forward passes from their initial 1:
 * 0.9 (0.9 + 0.1 v(x)) + 0.1 v(x'), v the unbiased batch variance of the layer's input.
 *
 * The N(0, 1) weights are the network's own seeded uniform draws (U(-b, b), parameters.ts) mapped
 * by Box-Muller over consecutive pairs: exactly normal and fixed by the init seed, without a
 * second stream keyed by something the proxy cannot see.
 */
export const zenProxy: Proxy = {
  id: 'zen',
  title: 'Zen-score',
  needs: { forward: true, gradients: false, labels: false },
  compute(network, batch, { runtime }) {
    const gaussian: ProxyNetwork = { graph: network.graph, parameters: gaussianParameters(network.parameters) }
    return zenScore(runtime, gaussian, batch, zenPerturbation(batch.data.length))
  },
}

/** The Zen-score of a network whose weights are already the Gaussian ones (tests give them explicitly). */
export function zenScore(runtime: TfjsRuntime, network: ProxyNetwork, batch: ProxyBatch, perturbation: Float32Array): number | null {
  const { tf } = runtime
  activateBackend(runtime)
  const graph = preGlobalPool(network.graph)
  const mixed = Float32Array.from(batch.data, (value, i) => value + ZEN_MIXUP_GAMMA * perturbation[i])
  const variances = new Map<number, Float64Array[]>()
  let difference = 0
  tf.tidy(() => {
    const layers = layerTensors(tf, network.parameters)
    const recordVariance = (node: Node, inputs: readonly Tensor[]): void => {
      if (node.op.kind !== 'batchnorm' || inputs[0].rank !== 4) return
      const x = inputs[0]
      const [n, h, w] = x.shape
      const count = n * h * w
      const { variance } = tf.moments(x, [0, 1, 2])
      const unbiased = Float64Array.from(variance.dataSync(), (v) => (v * count) / (count - 1))
      variances.set(node.id, [...(variances.get(node.id) ?? []), unbiased])
    }
    const run = (data: Float32Array): Tensor => forward(tf, graph, layers, imageTensor(tf, data, batch.shape), { batchnorm: true, release: true, onNode: recordVariance })
    const perImage = tf.sum(tf.abs(tf.sub(run(batch.data), run(mixed))), [1, 2, 3]).dataSync()
    for (const value of perImage) difference += value
    difference /= perImage.length
  })
  let logScaling = 0
  for (const [first, second] of variances.values()) {
    let sum = 0
    for (let c = 0; c < first.length; c++) sum += (1 - BN_MOMENTUM) * ((1 - BN_MOMENTUM) + BN_MOMENTUM * first[c]) + BN_MOMENTUM * second[c]
    logScaling += Math.log(Math.sqrt(sum / first.length))
  }
  return finiteOrNull(Math.log(difference) + logScaling)
}

/** The fixed N(0, 1) perturbation e, one value per input element. */
export function zenPerturbation(count: number): Float32Array {
  const random = new SeededRandom(PERTURBATION_SEED)
  return Float32Array.from({ length: count }, () => random.nextNormal())
}

/** The graph cut at the global average pool's input (forward_pre_GAP): a BAD_ARGUMENT where there is none. */
function preGlobalPool(graph: Graph): Graph {
  const pools = graph.nodes.filter((node) => node.op.kind === 'globalavgpool' || node.op.kind === 'spatialmean')
  if (pools.length !== 1) throw new EpsinasError('BAD_ARGUMENT', `zen needs a network with one global average pool (found ${pools.length})`)
  return { ...graph, output: pools[0].inputs[0] }
}

/** Each layer's seeded U(-b, b) weights (b = 1/sqrt(fan_in), parameters.ts) as N(0, 1) draws, biases 0 (network_weight_gaussian_init). */
export function gaussianParameters(parameters: NetworkParameters): NetworkParameters {
  const layers = parameters.layers.map((layer): LayerParameters => {
    const fanIn = layer.weightShape.slice(1).reduce((a, b) => a * b, 1)
    const bound = 1 / Math.sqrt(fanIn)
    // U(-b, b) -> (0, 1]; 1 - u keeps the log's argument away from 0.
    const unit = Array.from(layer.weight, (w) => 1 - (w / bound + 1) / 2)
    const weight = new Float32Array(unit.length)
    for (let i = 0; i < unit.length; i += 2) {
      const radius = Math.sqrt(-2 * Math.log(Math.max(unit[i], Number.MIN_VALUE)))
      const angle = 2 * Math.PI * unit[(i + 1) % unit.length]
      weight[i] = radius * Math.cos(angle)
      if (i + 1 < unit.length) weight[i + 1] = radius * Math.sin(angle)
    }
    return { ...layer, weight, bias: layer.bias ? new Float32Array(layer.bias.length) : null }
  })
  return { layers }
}
