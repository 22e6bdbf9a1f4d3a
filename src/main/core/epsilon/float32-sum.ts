const f = Math.fround

/**
 * numpy's pairwise summation of a float32 array (numpy/_core/src/umath/loops_utils.h.src), with
 * float32 accumulators: blocks of up to 128 elements summed in 8 interleaved lanes, larger arrays
 * split in halves at a multiple of 8. Reproducing it makes our means round exactly like np.nanmean
 * on the reference's float32 arrays.
 */
export function pairwiseSumFloat32(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0
    for (let i = 0; i < n; i++) res = f(res + a[start + i])
    return res
  }
  if (n <= 128) {
    const r = [f(a[start]), f(a[start + 1]), f(a[start + 2]), f(a[start + 3]), f(a[start + 4]), f(a[start + 5]), f(a[start + 6]), f(a[start + 7])]
    let i = 8
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] = f(r[j] + a[start + i + j])
    }
    let res = f(f(f(r[0] + r[1]) + f(r[2] + r[3])) + f(f(r[4] + r[5]) + f(r[6] + r[7])))
    for (; i < n; i++) res = f(res + a[start + i])
    return res
  }
  let n2 = Math.floor(n / 2)
  n2 -= n2 % 8
  return f(pairwiseSumFloat32(a, start, n2) + pairwiseSumFloat32(a, start + n2, n - n2))
}

/** np.nanmean of a float32 array: NaN entries replaced by 0 and summed pairwise, divided by the count, rounded to float32. */
export function nanMeanFloat32(a: Float32Array): number {
  const zeroed = new Float32Array(a.length)
  let count = 0
  for (let i = 0; i < a.length; i++) {
    const v = a[i]
    if (v === v) {
      zeroed[i] = v
      count++
    }
  }
  return f(pairwiseSumFloat32(zeroed) / count)
}
