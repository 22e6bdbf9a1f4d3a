import { activateBackend } from '../core/backends/tfjs/runtime.ts'
import { rowCorrelations, symmetricEigenvalues } from './linear-algebra.ts'
import { forward, imageTensor, layerTensors } from './network.ts'
import { finiteOrNull, type Proxy } from './proxy.ts'

/**
 * MeCo (Jiang et al., NeurIPS 2023, "Zero-cost proxy via minimum eigenvalue of correlation on
 * feature maps"; reference code: its NB201 script's get_score, measure 'meco', batch size 1): one
 * image through the network at its default initialisation (BatchNorm in train mode on that one
 * image); for every layer's output feature map of that image, C channels x H*W positions, the
 * Pearson correlation matrix of the channels (NaN entries, from constant channels, set to 0) and
 * its minimum eigenvalue; the score is the sum over layers.
 *
 * "Every layer" is every op of the IR here (conv, BatchNorm, ReLU, pooling, the cell sums, ...).
 * The reference hooks every nn.Module, containers included, so an output that is both a leaf's and
 * its container's (a ReLUConvBN's BatchNorm and the ReLUConvBN itself) counts twice there and once
 * here: the same terms, weighted by the reference's module tree, which an IR does not have. Outputs
 * without spatial extent (pooled features, logits) give an all-NaN, so all-zero, matrix there: 0.
 * The image is the batch's first.
 */
export const mecoProxy: Proxy = {
  id: 'meco',
  title: 'MeCo: minimum eigenvalue of feature-map correlation',
  needs: { forward: true, gradients: false, labels: false },
  compute(network, batch, { runtime }) {
    const { tf } = runtime
    activateBackend(runtime)
    const [, c, h, w] = batch.shape
    const image = batch.data.subarray(0, c * h * w)
    let score = 0
    tf.tidy(() => {
      forward(tf, network.graph, layerTensors(tf, network.parameters), imageTensor(tf, image, [1, c, h, w]), {
        batchnorm: true,
        release: true,
        onNode: (_node, _inputs, output) => {
          if (output.rank !== 4) return
          const [, height, width, channels] = output.shape as [number, number, number, number]
          if (height * width < 2) return
          // NHWC [1, H, W, C] -> a row per channel.
          const rows = tf.transpose(tf.reshape(output, [height * width, channels])).dataSync() as Float32Array
          score += minimumEigenvalue(rows, channels, height * width)
        },
      })
    })
    return finiteOrNull(score)
  },
}

/** The smallest eigenvalue of the rows' correlation matrix, NaN entries as 0 (the reference's corr[isnan] = 0). */
function minimumEigenvalue(rows: Float32Array, count: number, length: number): number {
  const correlations = rowCorrelations(rows, count, length).map((r) => (Number.isNaN(r) ? 0 : r))
  return Math.min(...symmetricEigenvalues(correlations, count))
}
