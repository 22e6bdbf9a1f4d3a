import { lossGradients } from './gradients.ts'
import { finiteOrNull, type Proxy } from './proxy.ts'

/**
 * SNIP (Lee et al. 2019; NASLib `snip`): the gradient of the cross-entropy loss with respect to a
 * multiplicative mask of ones on every conv/linear weight, which is dL/dtheta * theta; the score is
 * the sum of its absolute values over all those weights. BatchNorm in train mode.
 */
export const snipProxy: Proxy = {
  id: 'snip',
  title: 'SNIP',
  needs: { forward: true, gradients: true, labels: true },
  // Revision 2: max pooling's gradient is our own (max-pool.ts); tfjs-wasm's MaxPoolGrad lost some windows' gradients.
  revision: 2,
  compute(network, batch, { runtime }) {
    const layers = lossGradients(runtime, network, batch)
    let score = 0
    for (const { weight, gradient } of layers) for (let i = 0; i < weight.length; i++) score += Math.abs(weight[i] * gradient[i])
    return finiteOrNull(score)
  },
}
