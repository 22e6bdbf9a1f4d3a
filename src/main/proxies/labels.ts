import type { Tensor } from '@tensorflow/tfjs-core'
import { SeededRandom } from '../core/random.ts'
import type { TfjsRuntime } from '../core/backends/tfjs/runtime.ts'

type Tf = TfjsRuntime['tf']

/**
 * Class labels for the proxies that take a loss (snip, grad_norm). The minibatch sources give images
 * only, so every input (synthetic or real) gets seeded uniform labels, as the reference code does
 * for synthetic data; the seed is the input's, so the batch and its labels are one key.
 */
export function seededLabels(count: number, classes: number, seed: number): Int32Array {
  // A stream of its own (seed + a constant) so labels are not correlated with the images' draws.
  const random = new SeededRandom((seed ^ 0x5bd1e995) >>> 0)
  return Int32Array.from({ length: count }, () => random.nextInt(classes))
}

/** F.cross_entropy(logits, labels): the mean over the batch of -log softmax(logits)[label]. */
export function crossEntropy(tf: Tf, logits: Tensor, labels: Int32Array, classes: number): Tensor {
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), classes)
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)))
}
