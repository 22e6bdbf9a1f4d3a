import { lossGradients } from './gradients.ts'
import { finiteOrNull, type Proxy } from './proxy.ts'

/**
 * grad_norm (Abdelfattah et al. 2021; NASLib `grad_norm`): the cross-entropy loss of the batch,
 * backpropagated; the score is the sum over conv/linear layers of the Euclidean norm of the weight's
 * gradient (one norm per layer, then summed). BatchNorm in train mode.
 */
export const gradNormProxy: Proxy = {
  id: 'grad_norm',
  title: 'gradient norm',
  needs: { forward: true, gradients: true, labels: true },
  // Revision 2: max pooling's gradient is our own (max-pool.ts); tfjs-wasm's MaxPoolGrad lost some windows' gradients.
  revision: 2,
  compute(network, batch, { runtime }) {
    const layers = lossGradients(runtime, network, batch)
    let score = 0
    for (const { gradient } of layers) {
      let squares = 0
      for (const g of gradient) squares += g * g
      score += Math.sqrt(squares)
    }
    return finiteOrNull(score)
  },
}
