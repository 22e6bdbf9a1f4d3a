import type { Tensor } from '@tensorflow/tfjs-core'
import { activateBackend } from '../core/backends/tfjs/runtime.ts'
import { crossEntropy } from './labels.ts'
import { forward, imageTensor, layerTensors } from './network.ts'
import { finiteOrNull, type Proxy } from './proxy.ts'

/**
 * Fisher (Theis et al. 2018, as Turner et al. 2020 use it; NASLib `fisher`): for every conv/linear
 * layer with output a and loss gradient g = dL/da (cross-entropy, BatchNorm in train mode), per
 * image n and channel k g_nk = sum over positions of a * g, and the channel's value 0.5 * mean_n g_nk^2.
 * NASLib then spreads each channel's value over the channel's weights (in/groups x kh x kw of them)
 * before summing, so the score is sum over layers of fan_in x sum over channels of that value.
 */
export const fisherProxy: Proxy = {
  id: 'fisher',
  title: 'Fisher information',
  needs: { forward: true, gradients: true, labels: true },
  // Revision 2: max pooling's gradient is our own (max-pool.ts); tfjs-wasm's MaxPoolGrad lost some windows' gradients.
  revision: 2,
  compute(network, batch, { runtime }) {
    const { tf } = runtime
    activateBackend(runtime)
    let score = 0
    tf.tidy(() => {
      const layers = layerTensors(tf, network.parameters)
      const x = imageTensor(tf, batch.data, batch.shape)
      // The layer outputs only, the rest freed as it goes (memory: a full-width batch of 64 holds
      // megabytes per tensor, and the gradient pass below keeps its own). Kept tensors outlive every
      // tidy, so they are disposed at the end.
      const outputs = new Map<number, Tensor>()
      forward(tf, network.graph, layers, x, { batchnorm: true, release: true, onLayer: (node, output) => outputs.set(node, tf.keep(output.clone())) })
      const nodes = [...outputs.keys()]
      const probes = nodes.map((node) => tf.zerosLike(outputs.get(node)!))
      const gradients = tf.grads((...zeros: Tensor[]) => {
        const logits = forward(tf, network.graph, layers, x, { batchnorm: true, probes: new Map(nodes.map((node, k) => [node, zeros[k]])) })
        return crossEntropy(tf, logits, batch.labels, batch.classes)
      })(probes)
      for (const [k, node] of nodes.entries()) {
        const product = tf.mul(outputs.get(node)!, gradients[k])
        // NHWC: sum over H and W leaves [N, C]; [N, F] stays.
        const perChannel = product.rank === 4 ? tf.sum(product, [1, 2]) : product
        const channelValues = tf.mul(tf.mean(tf.square(perChannel), 0), tf.scalar(0.5)).dataSync()
        const layer = network.parameters.layers.find((l) => l.node === node)!
        const fanIn = layer.weightShape.slice(1).reduce((a, b) => a * b, 1)
        for (const value of channelValues) score += fanIn * value
      }
      for (const output of outputs.values()) output.dispose()
    })
    return finiteOrNull(score)
  },
}
