import { averageRanks, hasNaN } from './rank.ts'

/** Pearson correlation; NaN when n < 2 or either variable has zero variance. Clamped to [-1, 1]. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length
  if (n !== y.length || n < 2) return Number.NaN
  let meanX = 0
  let meanY = 0
  for (let i = 0; i < n; i++) {
    meanX += x[i]
    meanY += y[i]
  }
  meanX /= n
  meanY /= n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const dx = x[i] - meanX
    const dy = y[i] - meanY
    sxy += dx * dy
    sxx += dx * dx
    syy += dy * dy
  }
  if (sxx === 0 || syy === 0) return Number.NaN
  const r = sxy / Math.sqrt(sxx * syy)
  return Math.min(1, Math.max(-1, r))
}

/**
 * Spearman's rho as scipy.stats.spearmanr: Pearson correlation of average ranks.
 * NaN when n < 2, when either variable is constant, or when any value is NaN.
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length || x.length < 2) return Number.NaN
  if (hasNaN(x) || hasNaN(y)) return Number.NaN
  return pearson(averageRanks(x), averageRanks(y))
}

