import { argsort, compareNumbers, hasNaN } from './rank.ts'

/**
 * Kendall's tau-b with tie correction in both variables, as scipy.stats.kendalltau (default
 * variant 'b'). O(n log n) by Knight's algorithm: sort by (x, y), then count discordant pairs
 * with a Fenwick tree over the dense ranks of y. NaN when n < 2, when either variable is
 * constant, or when any value is NaN.
 */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length
  if (n !== y.length || n < 2) return Number.NaN
  if (hasNaN(x) || hasNaN(y)) return Number.NaN

  const yRank = denseRanks(y)
  // Sort by x, breaking ties by y, so joint ties are adjacent (scipy does the same with two sorts).
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  order.sort((a, b) => compareNumbers(x[a], x[b]) || yRank[a] - yRank[b])

  const discordant = countDiscordant(x, yRank, order)
  const xTies = tiedPairs(n, (k) => x[order[k]] === x[order[k - 1]])
  const yTies = tiedPairsOfRanks(yRank)
  const jointTies = tiedPairs(
    n,
    (k) => x[order[k]] === x[order[k - 1]] && yRank[order[k]] === yRank[order[k - 1]],
  )
  // Pair counts stay below 2^53 for any n we can hold in memory, so this arithmetic is exact.
  const total = (n * (n - 1)) / 2
  if (xTies === total || yTies === total) return Number.NaN
  // total = concordant + discordant + (xTies - jointTies) + (yTies - jointTies) + jointTies
  const concordantMinusDiscordant = total - xTies - yTies + jointTies - 2 * discordant
  const tau = concordantMinusDiscordant / Math.sqrt(total - xTies) / Math.sqrt(total - yTies)
  return Math.min(1, Math.max(-1, tau))
}

/** Dense ranks 1..k (equal values share a rank, no gaps). */
export function denseRanks(values: ArrayLike<number>): Uint32Array {
  const order = argsort(values)
  const ranks = new Uint32Array(values.length)
  let rank = 0
  for (let k = 0; k < order.length; k++) {
    if (k === 0 || values[order[k]] !== values[order[k - 1]]) rank++
    ranks[order[k]] = rank
  }
  return ranks
}

/**
 * Pairs with x strictly smaller and y strictly larger, walking `order` (sorted by x) one group of
 * equal x at a time: each element is queried against all earlier groups before its own group is
 * inserted, so pairs tied in x are never counted (scipy's _kendall_dis).
 */
function countDiscordant(x: ArrayLike<number>, yRank: Uint32Array, order: Uint32Array): number {
  const n = order.length
  let maxRank = 0
  for (let i = 0; i < n; i++) if (yRank[i] > maxRank) maxRank = yRank[i]
  const tree = new Float64Array(maxRank + 1)
  let discordant = 0
  let inserted = 0
  let groupStart = 0
  while (groupStart < n) {
    let groupEnd = groupStart
    while (groupEnd < n && x[order[groupEnd]] === x[order[groupStart]]) {
      // inserted - #(earlier with y <= this y) = #(earlier with y > this y).
      discordant += inserted
      for (let idx = yRank[order[groupEnd]]; idx > 0; idx &= idx - 1) discordant -= tree[idx]
      groupEnd++
    }
    for (let k = groupStart; k < groupEnd; k++) {
      for (let idx = yRank[order[k]]; idx <= maxRank; idx += idx & -idx) tree[idx]++
    }
    inserted = groupEnd
    groupStart = groupEnd
  }
  return discordant
}

/** Sum of c(c-1)/2 over runs of consecutive positions where `sameAsPrevious(k)` holds. */
function tiedPairs(n: number, sameAsPrevious: (k: number) => boolean): number {
  let pairs = 0
  let run = 1
  for (let k = 1; k <= n; k++) {
    if (k < n && sameAsPrevious(k)) {
      run++
    } else {
      pairs += (run * (run - 1)) / 2
      run = 1
    }
  }
  return pairs
}

/** Sum of c(c-1)/2 over the counts c of each dense rank (ties in a variable in any order). */
function tiedPairsOfRanks(ranks: Uint32Array): number {
  let maxRank = 0
  for (let i = 0; i < ranks.length; i++) if (ranks[i] > maxRank) maxRank = ranks[i]
  const counts = new Float64Array(maxRank + 1)
  for (let i = 0; i < ranks.length; i++) counts[ranks[i]]++
  let pairs = 0
  for (let r = 1; r <= maxRank; r++) pairs += (counts[r] * (counts[r] - 1)) / 2
  return pairs
}
