/** Indices 0..n-1 sorted by value, ascending (a stable sort, so equal values keep input order). */
export function argsort(values: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(values.length)
  for (let i = 0; i < order.length; i++) order[i] = i
  // Typed-array sort with a comparator is stable (ES2019) and avoids boxing indices.
  return order.sort((a, b) => compareNumbers(values[a], values[b]))
}

/** Three-way numeric comparison that is consistent for infinities too (a - b is NaN for inf - inf). */
export function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** True when any entry is NaN. */
export function hasNaN(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) return true
  return false
}

/**
 * Average ranks, 1-based: tied values all get the mean of the ranks they span, as
 * scipy.stats.rankdata(method='average'). Values must not be NaN (NaN has no place in an order).
 */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length
  const order = argsort(values)
  const ranks = new Float64Array(n)
  let start = 0
  while (start < n) {
    let end = start + 1
    while (end < n && values[order[end]] === values[order[start]]) end++
    // Positions start..end-1 (0-based) hold ranks start+1..end; their mean is (start+1+end)/2.
    const rank = (start + 1 + end) / 2
    for (let k = start; k < end; k++) ranks[order[k]] = rank
    start = end
  }
  return ranks
}
