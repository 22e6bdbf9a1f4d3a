import type { Tensor } from '@tensorflow/tfjs-core'
import { activateBackend } from '../core/backends/tfjs/runtime.ts'
import { logAbsDeterminant } from './linear-algebra.ts'
import { forward, imageTensor, layerTensors } from './network.ts'
import { finiteOrNull, type Proxy } from './proxy.ts'

/**
 * NASWOT (Mellor et al. 2021, second version; NASLib's `nwot`): every ReLU's input, flattened per
 * image, becomes a binary code c = (x > 0); the kernel K = sum over ReLUs of c c^T + (1 - c)(1 - c)^T
 * (N x N: units minus Hamming distance), and the score is log|det K|. BatchNorm in train mode.
 * Each ReLU's K is an integer matrix below 2^24, so the float32 matMul is exact; the sum is float64.
 */
export const nwotProxy: Proxy = {
  id: 'nwot',
  title: 'NASWOT log|K_H|',
  needs: { forward: true, gradients: false, labels: false },
  compute(network, batch, { runtime }) {
    const { tf } = runtime
    activateBackend(runtime)
    const n = batch.shape[0]
    const kernel = new Float64Array(n * n)
    tf.tidy(() => {
      const add = (input: Tensor): void => {
        const codes = tf.cast(tf.greater(tf.reshape(input, [n, -1]), tf.scalar(0)), 'float32')
        const inverse = tf.sub(tf.scalar(1), codes)
        const k = tf.add(tf.matMul(codes, codes, false, true), tf.matMul(inverse, inverse, false, true))
        const values = k.dataSync()
        for (let i = 0; i < values.length; i++) kernel[i] += values[i]
      }
      forward(tf, network.graph, layerTensors(tf, network.parameters), imageTensor(tf, batch.data, batch.shape), { batchnorm: true, onRelu: add, release: true })
    })
    return finiteOrNull(logAbsDeterminant(kernel, n))
  },
}
