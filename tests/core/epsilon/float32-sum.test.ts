import { describe, expect, test } from 'vitest'
import { nanMeanFloat32, pairwiseSumFloat32 } from '../../../src/main/core/epsilon/index.ts'
import { SeededRandom } from '../../../src/main/core/random.ts'

const f = Math.fround

/**
 * Independent re-implementation of numpy's FLOAT_pairwise_sum (numpy/_core/src/umath/loops_utils.h.src),
 * written from the description of the C source rather than from our port:
 *   n < 8:     res = 0; res += a[i] sequentially (float accumulator)
 *   n <= 128:  r[0..7] = a[0..7]; for each further full block of 8, r[j] += a[i + j];
 *              res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)); then the n % 8 tail added sequentially
 *   n > 128:   n2 = n / 2 rounded down to a multiple of 8; sum(a[:n2]) + sum(a[n2:])
 * Every accumulator is a C float, modelled here by a Float32Array cell so each store rounds.
 */
function numpyPairwise(a: Float32Array, lo: number, n: number): number {
  const acc = new Float32Array(8)
  if (n < 8) {
    acc[0] = 0
    for (let i = lo; i < lo + n; i++) acc[0] += a[i]
    return acc[0]
  }
  if (n <= 128) {
    for (let j = 0; j < 8; j++) acc[j] = a[lo + j]
    const full = n - (n % 8)
    for (let i = 8; i < full; i += 8) for (let j = 0; j < 8; j++) acc[j] += a[lo + i + j]
    const t = new Float32Array(7)
    t[0] = acc[0] + acc[1]
    t[1] = acc[2] + acc[3]
    t[2] = acc[4] + acc[5]
    t[3] = acc[6] + acc[7]
    t[4] = t[0] + t[1]
    t[5] = t[2] + t[3]
    t[6] = t[4] + t[5]
    for (let i = full; i < n; i++) t[6] += a[lo + i]
    return t[6]
  }
  const half = Math.floor(n / 2)
  const n2 = half - (half % 8)
  const out = new Float32Array(1)
  out[0] = numpyPairwise(a, lo, n2) + numpyPairwise(a, lo + n2, n - n2)
  return out[0]
}

/** Plain left-to-right float32 summation: what pairwise summation must NOT be. */
function naiveSum(a: Float32Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s = f(s + a[i])
  return s
}

/** Pairwise, but halving at exactly n / 2 instead of a multiple of 8: a plausible wrong port. */
function pairwiseSplitAtHalf(a: Float32Array, lo: number, n: number): number {
  if (n <= 128) return numpyPairwise(a, lo, n)
  const n2 = Math.floor(n / 2)
  return f(pairwiseSplitAtHalf(a, lo, n2) + pairwiseSplitAtHalf(a, lo + n2, n - n2))
}

const LENGTHS = [0, 1, 7, 8, 9, 127, 128, 129, 1000, 4097]

/** Random float32 array with mixed magnitudes (so summation order shows in the last bits). */
function randomArray(n: number, seed: number): Float32Array {
  const r = new SeededRandom(seed)
  const a = new Float32Array(n)
  for (let i = 0; i < n; i++) a[i] = (2 * r.nextFloat() - 1) * 2 ** (r.nextInt(16) - 8)
  return a
}

/**
 * Deterministic array that Python can rebuild bit for bit (see the numpy anchors below):
 *   gen(n) = float32(((i*7919 + 104729) % 1000003) / 1000003 * 2 - 1) * 2**(i % 11 - 5))
 */
function anchorArray(n: number): Float32Array {
  const a = new Float32Array(n)
  for (let i = 0; i < n; i++) a[i] = (((i * 7919 + 104729) % 1000003) / 1000003 * 2 - 1) * 2 ** ((i % 11) - 5)
  return a
}

/**
 * Produced with numpy 2.4.6:
 *   import numpy as np
 *   def gen(n): return (np.array([((i*7919+104729) % 1000003)/1000003*2-1 for i in range(n)])
 *                       * np.array([2.0**(i%11-5) for i in range(n)])).astype(np.float32)
 *   a = gen(n); np.sum(a);  b = a.copy(); b[::5] = np.nan; np.nanmean(b)
 * [n, np.sum(a), np.nanmean(b), naive sequential float32 sum]
 */
const NUMPY_ANCHORS: [number, number, number, number][] = [
  [0, 0.0, Number.NaN, 0.0],
  [1, -0.024704456, Number.NaN, -0.024704456],
  [7, -2.8197172, -0.41673192, -2.8197172],
  [8, -5.5384245, -0.80039454, -5.538425],
  [9, -10.849136, -1.4447256, -10.849136],
  [127, 28.442688, 0.6609179, 28.442684],
  [128, 26.884445, 0.6391614, 26.88444],
  [129, 23.831314, 0.6033138, 23.8313],
  [1000, 13.73497, 0.04557809, 13.7349615],
  [4097, -108.831696, -0.018066073, -108.831665],
  [10000, -38.577087, -0.005737221, -38.577057],
]

describe('pairwiseSumFloat32', () => {
  test.each(LENGTHS)('matches an independent port of numpy pairwise_sum bit for bit (n = %i)', (n) => {
    for (const seed of [1, 2, 3]) {
      const a = randomArray(n, seed * 1000 + n)
      expect(Object.is(pairwiseSumFloat32(a), numpyPairwise(a, 0, n))).toBe(true)
    }
  })

  test.each(NUMPY_ANCHORS)('matches np.sum on a float32 array rebuilt from Python (n = %i)', (n, numpySum) => {
    const a = anchorArray(n)
    expect(pairwiseSumFloat32(a)).toBe(f(numpySum))
  })

  test('naive sequential summation differs, so these tests can tell the two apart', () => {
    let differences = 0
    for (const n of LENGTHS) {
      const a = randomArray(n, 1000 + n)
      if (naiveSum(a) !== pairwiseSumFloat32(a)) differences++
    }
    expect(differences).toBeGreaterThan(0)
    // The numpy anchors show the same thing against numpy itself (n = 8: -5.5384245 vs -5.538425).
    for (const [n, numpySum, , numpyNaive] of NUMPY_ANCHORS) {
      expect(naiveSum(anchorArray(n))).toBe(f(numpyNaive))
      if (n === 8 || n >= 127) expect(f(numpyNaive)).not.toBe(f(numpySum))
    }
  })

  test('splitting at n / 2 instead of a multiple of 8 gives different bits on some input', () => {
    let differences = 0
    for (const n of [129, 1000, 4097]) {
      for (let seed = 0; seed < 20; seed++) {
        const a = randomArray(n, seed)
        if (pairwiseSplitAtHalf(a, 0, n) !== pairwiseSumFloat32(a)) differences++
      }
    }
    expect(differences).toBeGreaterThan(0)
  })

  test('every result is a float32 and start / n select a sub-range', () => {
    const a = randomArray(1000, 7)
    const s = pairwiseSumFloat32(a)
    expect(s).toBe(f(s))
    expect(pairwiseSumFloat32(a, 100, 300)).toBe(numpyPairwise(a.subarray(100, 400), 0, 300))
    expect(pairwiseSumFloat32(a, 0, 0)).toBe(0)
  })

  test('accepts plain arrays (values are float32 already)', () => {
    const a = randomArray(200, 9)
    expect(pairwiseSumFloat32(Array.from(a))).toBe(pairwiseSumFloat32(a))
  })
})

describe('nanMeanFloat32', () => {
  test('skips NaNs: they count as 0 in the sum and are not counted', () => {
    // [1, NaN, 2, NaN, 6] -> sum of [1, 0, 2, 0, 6] = 9, count 3 -> 3
    expect(nanMeanFloat32(new Float32Array([1, Number.NaN, 2, Number.NaN, 6]))).toBe(3)
  })

  test('the sum keeps the NaN positions as zeros (summation order of numpy on the zero-filled array)', () => {
    for (const n of LENGTHS) {
      const a = randomArray(n, 50 + n)
      let count = 0
      const zeroed = new Float32Array(n)
      for (let i = 0; i < n; i++) {
        if (i % 3 === 1) a[i] = Number.NaN
        else {
          zeroed[i] = a[i]
          count++
        }
      }
      const expected = count === 0 ? Number.NaN : f(numpyPairwise(zeroed, 0, n) / count)
      expect(Object.is(nanMeanFloat32(a), expected)).toBe(true)
    }
  })

  test.each(NUMPY_ANCHORS)('matches np.nanmean with every fifth entry NaN (n = %i)', (n, _numpySum, numpyNanMean) => {
    const a = anchorArray(n)
    for (let i = 0; i < n; i += 5) a[i] = Number.NaN
    const m = nanMeanFloat32(a)
    if (Number.isNaN(numpyNanMean)) expect(m).toBeNaN()
    else expect(m).toBe(f(numpyNanMean))
  })

  test('all-NaN and empty arrays give NaN', () => {
    expect(nanMeanFloat32(new Float32Array([Number.NaN, Number.NaN, Number.NaN]))).toBeNaN()
    expect(nanMeanFloat32(new Float32Array(0))).toBeNaN()
  })

  test('the result is a float32', () => {
    // 1 / 3 in float64 is not a float32; the mean must be rounded.
    const m = nanMeanFloat32(new Float32Array([1, 0, 0]))
    expect(m).toBe(f(1 / 3))
    expect(m).not.toBe(1 / 3)
  })

  test('divides the float32 sum by the integer count in double precision, then rounds (as numpy _divide_by_count)', () => {
    // numpy: tot is np.float32, cnt is np.intp; np.float32 / np.intp promotes to float64, then
    // a.dtype.type(...) rounds to float32. With 2^24 + 1 entries the count is not a float32
    // (fround(16777217) = 16777216), so a float32 division would give a different answer:
    //   python3 -c "import numpy as np; a=np.zeros(2**24+1,np.float32); a[0]=1; print(np.nanmean(a))"
    //   -> 5.960464e-08   (= fround(1 / 16777217) = 2^-24 - 2^-48)
    //   float32 division: fround(1 / fround(16777217)) = 2^-24 = 5.9604645e-08
    const n = 2 ** 24 + 1
    const a = new Float32Array(n)
    a[0] = 1
    const m = nanMeanFloat32(a)
    expect(m).toBe(f(5.960464e-8))
    expect(m).toBe(f(1 / n))
    expect(m).not.toBe(f(1 / f(n)))
    expect(m).toBe(2 ** -24 - 2 ** -48)
  })
})
