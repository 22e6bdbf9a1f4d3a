import { inputGradient } from './gradients.ts'
import { rowCorrelations, symmetricEigenvalues } from './linear-algebra.ts'
import { finiteOrNull, type Proxy } from './proxy.ts'

/** NASLib's regulariser of the eigenvalues (eval_score's k). */
const K = 1e-5

/**
 * Jacobian covariance (Mellor et al. 2021, first version; NASLib `jacov`): J = d sum(outputs) / d input,
 * one row per image; C = corrcoef of the rows; the score is -sum over C's eigenvalues v of
 * log(v + k) + 1 / (v + k), k = 1e-5. BatchNorm in train mode. (The order of each row's pixels is
 * NHWC here; a correlation of rows does not depend on it.)
 */
export const jacovProxy: Proxy = {
  id: 'jacov',
  title: 'Jacobian covariance',
  needs: { forward: true, gradients: true, labels: false },
  // Revision 2: max pooling's gradient is our own (max-pool.ts); tfjs-wasm's MaxPoolGrad lost some windows' gradients.
  revision: 2,
  compute(network, batch, { runtime }) {
    const [n] = batch.shape
    const jacobian = inputGradient(runtime, network, batch, { batchnorm: true })
    const correlations = rowCorrelations(jacobian, n, jacobian.length / n)
    const eigenvalues = symmetricEigenvalues(correlations, n)
    return finiteOrNull(-eigenvalues.reduce((sum, v) => sum + Math.log(v + K) + 1 / (v + K), 0))
  },
}
