import type { NanReason } from '../../../shared/types.ts'
import { nanMeanFloat32 } from './float32-sum.ts'

const f = Math.fround

/** An epsilon score: `value` is NaN exactly when `nanReason` is set. */
export interface EpsilonScore {
  value: number
  nanReason: NanReason | null
}

/** nanmin and nanmax of a float32 vector (NaN when every entry is NaN). */
function nanMinMax(v: Float32Array): [number, number] {
  let min = Number.NaN
  let max = Number.NaN
  for (let i = 0; i < v.length; i++) {
    const x = v[i]
    if (x !== x) continue
    if (!(x >= min)) min = x
    if (!(x <= max)) max = x
  }
  return [min, max]
}

/** Min-max normalisation in float32: (v - min) / (max - min), each operation rounded as numpy does. */
export function minMaxNormalise(v: Float32Array): Float32Array {
  const [min, max] = nanMinMax(v)
  const range = f(max - min)
  const out = new Float32Array(v.length)
  for (let i = 0; i < v.length; i++) out[i] = f(v[i] - min) / range
  return out
}

/**
 * Epsilon of two flattened network outputs (metric.md section 2), porting the reference exactly:
 * min-max normalise each output in float32; set every entry that is exactly 0 to NaN (this drops
 * each row's minimum: a quirk of the reference that changes the result and is kept on purpose);
 * delta = nanmean |P0 - P1|, mu = nanmean of all of P; epsilon = delta / mu, all in float32.
 */
export function epsilonFromOutputs(output1: Float32Array, output2: Float32Array): EpsilonScore {
  if (output1.length !== output2.length) throw new Error(`outputs differ in length: ${output1.length} vs ${output2.length}`)
  const length = output1.length
  const p = new Float32Array(2 * length)
  p.set(minMaxNormalise(output1), 0)
  p.set(minMaxNormalise(output2), length)
  for (let i = 0; i < p.length; i++) if (p[i] === 0) p[i] = Number.NaN
  const differences = new Float32Array(length)
  for (let j = 0; j < length; j++) differences[j] = Math.abs(f(p[j] - p[length + j]))
  const delta = nanMeanFloat32(differences)
  const mu = nanMeanFloat32(p)
  const value = f(delta / mu)
  if (value === value && Number.isFinite(value)) return { value, nanReason: null }
  return { value: Number.NaN, nanReason: explainNan(output1, output2, delta, mu) }
}

/**
 * The score of a pair whose first output is finite and constant, for a caller that knows the second
 * output holds no inf or NaN (ir/bound.ts provablyFinite): min-max normalisation then divides 0 by 0
 * in every entry of the first, so epsilonFromOutputs gives NaN with reason `outputs-constant`
 * whatever the second's values, and the second forward pass need not run. At [1e-7, 1] that is every
 * NB201 arch without a parameter-free path (41%): the 1e-7 pass underflows to a constant.
 * null: the first output does not decide the score alone (it varies, or holds inf or NaN).
 */
export function scoreOfConstantFirstOutput(output1: Float32Array): EpsilonScore | null {
  if (output1.length === 0) return null
  const first = output1[0]
  if (!Number.isFinite(first)) return null
  // +0 and -0 compare equal, as nanMinMax sees them; a NaN or another value ends it.
  for (let i = 1; i < output1.length; i++) if (output1[i] !== first) return null
  return { value: Number.NaN, nanReason: 'outputs-constant' }
}

function explainNan(output1: Float32Array, output2: Float32Array, delta: number, mu: number): NanReason {
  for (const v of [output1, output2]) {
    if (v.some((x) => x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY || x !== x)) return 'outputs-nonfinite'
  }
  for (const v of [output1, output2]) {
    const [min, max] = nanMinMax(v)
    if (min === max) return 'outputs-constant'
  }
  if (delta !== delta) return 'no-entries-left'
  return mu === 0 ? 'zero-mean' : 'no-entries-left'
}
