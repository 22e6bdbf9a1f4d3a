import { EpsinasError } from '../../../shared/errors.ts'

/**
 * The q-th percentile (0..100) with linear interpolation, bit for bit as numpy.percentile's
 * default method: index (n-1)*(q/100) into the sorted values, then numpy's two-sided lerp.
 * NaN for an empty input or one containing NaN (as numpy; filter first for nanpercentile).
 */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 100)) {
    throw new EpsinasError('BAD_ARGUMENT', `percentile must be in [0, 100], got ${q}`)
  }
  const n = values.length
  if (n === 0) return Number.NaN
  const sorted = Float64Array.from(values)
  for (let i = 0; i < n; i++) if (sorted[i] !== sorted[i]) return Number.NaN
  sorted.sort()
  // numpy divides q by 100 first, then multiplies by n-1; keep that order for identical rounding.
  const virtualIndex = (n - 1) * (q / 100)
  if (virtualIndex >= n - 1) return sorted[n - 1]
  const previous = Math.floor(virtualIndex)
  const gamma = virtualIndex - previous
  return lerp(sorted[previous], sorted[previous + 1], gamma)
}

/** numpy's _lerp: interpolates from the nearer end so that gamma 0 and 1 give a and b exactly. */
function lerp(a: number, b: number, t: number): number {
  const diff = b - a
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t
}
