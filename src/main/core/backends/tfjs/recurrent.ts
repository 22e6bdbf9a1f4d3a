import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core'
import { EpsinasError } from '../../../../shared/errors.ts'
import { describeEmbeddingInit, embeddingTable, type EmbeddingInit } from '../../ir/embedding-table.ts'
import type { TfjsRuntime } from './runtime.ts'

type Tf = TfjsRuntime['tf']

/**
 * MultiLinear on TensorFlow.js at full width, as the benchmark's module runs it:
 * (x_0 W_0 + bias) + x_1 W_1 + ..., with every weight row for input feature f = w * m_f (rounded to
 * float32 once) and every bias entry = w. Weight matrices are real [F, out] matrices, so the
 * full-width engine does the full matrix products the reference does.
 */
export function multilinear(tf: Tf, xs: readonly Tensor2D[], multiplicities: readonly (readonly number[])[], w: number, outFeatures: number): Tensor {
  const terms = xs.map((x, i) => tf.matMul(x, weightMatrix(tf, multiplicities[i], w, outFeatures)))
  const biased = tf.add(terms[0], tf.fill([1, outFeatures], w))
  return terms.slice(1).reduce((sum, term) => tf.add(sum, term), biased)
}

/**
 * Constant tensors by (backend, what they are): weight matrices by (w, shape, multiplicities) and
 * embedding tables. An unrolled recurrent network applies the same MultiLinear at every time step:
 * building and uploading a 600 x 600 matrix per step per operand would cost more than the products.
 * Kept out of tf.tidy; the oldest are freed beyond a few.
 */
const constants = new Map<string, Tensor2D>()
const MAX_CONSTANTS = 32

function cachedConstant(tf: Tf, key: string, make: () => Tensor2D): Tensor2D {
  const fullKey = `${tf.getBackend()}|${key}`
  const cached = constants.get(fullKey)
  if (cached && !cached.isDisposed) return cached
  const tensor = tf.keep(make())
  constants.set(fullKey, tensor)
  if (constants.size > MAX_CONSTANTS) {
    const [oldestKey, oldest] = constants.entries().next().value as [string, Tensor2D]
    constants.delete(oldestKey)
    oldest.dispose()
  }
  return tensor
}

function weightMatrix(tf: Tf, multiplicity: readonly number[], w: number, outFeatures: number): Tensor2D {
  return cachedConstant(tf, `weights|${w}|${outFeatures}|${multiplicity.join(',')}`, () => {
    const features = multiplicity.length
    const weights = new Float32Array(features * outFeatures)
    for (let f = 0; f < features; f++) weights.fill(w * multiplicity[f], f * outFeatures, (f + 1) * outFeatures)
    return tf.tensor2d(weights, [features, outFeatures])
  })
}

/** a * b + (1 - a) * c, four float32 kernels as PyTorch's expression. */
export function blend(tf: Tf, a: Tensor, b: Tensor, c: Tensor): Tensor {
  return tf.add(tf.mul(a, b), tf.mul(tf.sub(tf.scalar(1), a), c))
}

/** Rows of the seeded table (the same values as the typed-array kernel) gathered by token id. */
export function embedding(tf: Tf, ids: Tensor2D, vocabulary: number, features: number, seed: number, init?: EmbeddingInit): Tensor {
  const idValues = ids.dataSync()
  for (const id of idValues) {
    if (!(Number.isInteger(id) && id >= 0 && id < vocabulary)) throw new EpsinasError('BAD_ARGUMENT', `token id ${id} is outside the ${vocabulary}-word vocabulary`)
  }
  const table = cachedConstant(tf, `embedding|${vocabulary}|${features}|${seed}|${describeEmbeddingInit(init)}`, () => tf.tensor2d(embeddingTable(vocabulary, features, seed, init), [vocabulary, features]))
  return tf.gather(table, tf.tensor1d(Int32Array.from(idValues), 'int32'))
}
