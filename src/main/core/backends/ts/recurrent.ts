import { EpsinasError } from '../../../../shared/errors.ts'
import { embeddingTable, type EmbeddingInit } from '../../ir/embedding-table.ts'
import type { Allocate, Tensor } from './kernels.ts'

/**
 * Typed-array kernels of the NB-NLP recurrent-cell ops on [N, F] tensors. Like every kernel they
 * compute in float64 and store float32; where the reference rounds an intermediate to float32
 * (a sum of two terms, 1 - a in blend) we round it too with Math.fround, so a float64 intermediate
 * can never hide an overflow or a rounding step the reference has.
 */

/**
 * MultiLinear with every weight = w and bias = w: out = fround(fround(lin(x_0)) + w), then
 * + fround(lin(x_i)) for each further input, where lin(x)[n] = sum_k (w * m_k) * x[n, k] (the same
 * value for every output feature).
 */
export function multilinear(xs: readonly Tensor[], multiplicities: readonly (readonly number[])[], weight: number, outFeatures: number, alloc: Allocate): Tensor {
  const n = xs[0].shape[0]
  const totals = new Float64Array(n)
  xs.forEach((x, t) => {
    const f = x.shape[1]
    const data = x.data
    const scales = Float64Array.from(multiplicities[t], (count) => weight * count)
    // The common cases (every feature one channel, or one stored group) hoist the scale: same products, same sums.
    const uniform = scales.every((scale) => scale === scales[0])
    const scale0 = scales[0]
    for (let i = 0; i < n; i++) {
      const base = i * f
      let sum = 0
      if (uniform) for (let k = 0; k < f; k++) sum += scale0 * data[base + k]
      else for (let k = 0; k < f; k++) sum += scales[k] * data[base + k]
      totals[i] = t === 0 ? Math.fround(Math.fround(sum) + weight) : Math.fround(totals[i] + Math.fround(sum))
    }
  })
  const out = alloc(n * outFeatures)
  if (outFeatures === 1) out.set(totals)
  else for (let i = 0; i < n; i++) out.fill(totals[i], i * outFeatures, (i + 1) * outFeatures)
  return { shape: [n, outFeatures], data: out }
}

/** Applies `f` elementwise (computed in float64, stored float32). */
function map(x: Tensor, f: (v: number) => number, alloc: Allocate): Tensor {
  const out = alloc(x.data.length)
  const src = x.data
  for (let k = 0; k < src.length; k++) out[k] = f(src[k])
  return { shape: x.shape, data: out }
}

/** 1 / (1 + exp(-x)); NaN stays NaN, +-inf give 1 and 0 as torch.sigmoid. */
export function sigmoid(x: Tensor, alloc: Allocate): Tensor {
  return map(x, (v) => 1 / (1 + Math.exp(-v)), alloc)
}

export function tanh(x: Tensor, alloc: Allocate): Tensor {
  return map(x, Math.tanh, alloc)
}

/** x < 0 ? x * float32(slope) : x; the float64 product of two float32 values is exact, so one rounding as float32. */
export function leakyrelu(x: Tensor, slope: number, alloc: Allocate): Tensor {
  const s = Math.fround(slope)
  return map(x, (v) => (v < 0 ? v * s : v), alloc)
}

/** Elementwise product folded left, rounded to float32 after every multiplication. */
export function mul(xs: readonly Tensor[], alloc: Allocate): Tensor {
  const out = alloc(xs[0].data.length)
  out.set(xs[0].data)
  for (let t = 1; t < xs.length; t++) {
    const src = xs[t].data
    for (let k = 0; k < out.length; k++) out[k] *= src[k]
  }
  return { shape: xs[0].shape, data: out }
}

/** a * b + (1 - a) * c, each product, the difference and the sum rounded to float32 (PyTorch's four kernels). */
export function blend(a: Tensor, b: Tensor, c: Tensor, alloc: Allocate): Tensor {
  const out = alloc(a.data.length)
  const x = a.data
  const y = b.data
  const z = c.data
  for (let k = 0; k < out.length; k++) {
    out[k] = Math.fround(x[k] * y[k]) + Math.fround(Math.fround(1 - x[k]) * z[k])
  }
  return { shape: a.shape, data: out }
}

/** A tensor of `shape` filled with w. */
export function fillweight(shape: readonly number[], weight: number, alloc: Allocate): Tensor {
  const out = alloc(shape[0] * shape[1])
  out.fill(weight)
  return { shape, data: out }
}

/** Rows start .. start+count-1. */
export function rows(x: Tensor, start: number, count: number, alloc: Allocate): Tensor {
  const f = x.shape[1]
  const out = alloc(count * f)
  out.set(x.data.subarray(start * f, (start + count) * f))
  return { shape: [count, f], data: out }
}

/** Inputs one after another along the rows. */
export function stackrows(xs: readonly Tensor[], alloc: Allocate): Tensor {
  const f = xs[0].shape[1]
  const n = xs.reduce((sum, x) => sum + x.shape[0], 0)
  const out = alloc(n * f)
  let at = 0
  for (const x of xs) {
    out.set(x.data, at)
    at += x.data.length
  }
  return { shape: [n, f], data: out }
}

/** Row `id` of the seeded table for each token id; an id outside the vocabulary is an error, not a guess. */
export function embedding(x: Tensor, vocabulary: number, features: number, seed: number, alloc: Allocate, init?: EmbeddingInit): Tensor {
  const table = embeddingTable(vocabulary, features, seed, init)
  const n = x.shape[0]
  const out = alloc(n * features)
  for (let i = 0; i < n; i++) {
    const id = x.data[i]
    if (!(Number.isInteger(id) && id >= 0 && id < vocabulary)) throw new EpsinasError('BAD_ARGUMENT', `token id ${id} is outside the ${vocabulary}-word vocabulary`)
    out.set(table.subarray(id * features, (id + 1) * features), i * features)
  }
  return { shape: [n, features], data: out }
}
