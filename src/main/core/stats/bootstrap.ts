import type { CorrelationIntervalsView } from '../../../shared/api.ts'
import { EpsinasError } from '../../../shared/errors.ts'
import { SeededRandom } from '../random.ts'
import { denseRanks } from './kendall.ts'
import { percentile } from './percentile.ts'
import { argsort } from './rank.ts'
import { finitePairs, type EpsilonStatsOptions } from './summary.ts'

/** Percentile-bootstrap intervals of Spearman and Kendall tau-b; the shape is the API's. */
export type CorrelationIntervals = CorrelationIntervalsView

/** Options of bootstrapCorrelationIntervals; the defaults are what `stats` and Compare report. */
export interface BootstrapOptions {
  /** Resamples of the architectures (default 1,000). */
  resamples?: number
  /** Seed of the draws (default 0): the same seed gives the same interval, bit for bit. */
  seed?: number
  /** Coverage of the interval (default 0.95). */
  level?: number
}

export const DEFAULT_BOOTSTRAP = { resamples: 1000, seed: 0, level: 0.95 } as const

/**
 * Percentile bootstrap: `resamples` draws of n architectures with replacement from the n finite
 * (x, y) pairs, Spearman and Kendall tau-b of each draw, then the (1 - level)/2 and (1 + level)/2
 * percentiles (numpy's linear method) of the draws whose statistic is defined. x and y must be
 * finite and of one length (filter first, as computeEpsilonStats does). An interval is null when
 * the statistic of the whole sample is undefined (n < 2, a constant variable).
 *
 * A draw is held as a count per original pair, never materialised: both statistics are computed
 * from the counts over orders sorted once (CountedPairs), so 1,000 draws of 725 archs take tens of
 * milliseconds instead of a second (Compare computes them for every proxy, twice).
 */
export function bootstrapCorrelationIntervals(x: ArrayLike<number>, y: ArrayLike<number>, options: BootstrapOptions = {}): CorrelationIntervals {
  const { resamples, seed, level } = { ...DEFAULT_BOOTSTRAP, ...options }
  if (!(level > 0 && level < 1)) throw new EpsinasError('BAD_ARGUMENT', `bootstrap level must be in (0, 1), got ${level}`)
  if (!(Number.isInteger(resamples) && resamples >= 1)) throw new EpsinasError('BAD_ARGUMENT', `bootstrap resamples must be a positive integer, got ${resamples}`)
  const n = x.length
  if (n !== y.length) throw new EpsinasError('BAD_ARGUMENT', `x and y differ in length (${n} vs ${y.length})`)
  const result: CorrelationIntervals = { level, resamples, seed, spearman: null, kendall: null }
  const pairs = new CountedPairs(x, y)
  const all = new Float64Array(n).fill(1)
  const whole = pairs.correlations(all)
  if (!Number.isFinite(whole.spearman) && !Number.isFinite(whole.kendall)) return result

  const random = new SeededRandom(seed)
  const counts = new Float64Array(n)
  const spearmans: number[] = []
  const kendalls: number[] = []
  for (let b = 0; b < resamples; b++) {
    counts.fill(0)
    for (let i = 0; i < n; i++) counts[random.nextInt(n)]++
    const draw = pairs.correlations(counts)
    // A draw that picked one value of a variable only has no correlation: it is left out.
    if (Number.isFinite(draw.spearman)) spearmans.push(draw.spearman)
    if (Number.isFinite(draw.kendall)) kendalls.push(draw.kendall)
  }
  const tail = ((1 - level) / 2) * 100
  const interval = (draws: number[], point: number): [number, number] | null =>
    Number.isFinite(point) && draws.length > 0 ? [percentile(draws, tail), percentile(draws, 100 - tail)] : null
  result.spearman = interval(spearmans, whole.spearman)
  result.kendall = interval(kendalls, whole.kendall)
  return result
}

/**
 * The intervals of the statistics computeEpsilonStats reports for the same arguments: over the
 * pairs with score and accuracy both finite (accuracies negated when lower is better).
 */
export function bootstrapStatsIntervals(
  scores: readonly (number | null)[],
  accuracies: readonly (number | null)[],
  options: EpsilonStatsOptions & BootstrapOptions = {},
): CorrelationIntervals {
  const { score, acc } = finitePairs(scores, accuracies, options)
  return bootstrapCorrelationIntervals(score, acc, options)
}

/**
 * n (x, y) pairs sorted once, whose Spearman and Kendall tau-b can be computed for any
 * multiplicity of each pair (a bootstrap draw): the same numbers as spearman / kendallTauB of the
 * array that repeats pair i counts[i] times (up to rounding of the sums).
 */
export class CountedPairs {
  private readonly n: number
  /** Dense ranks (0-based) of x, of y, and of the pair (x, y). */
  private readonly xGroup: Uint32Array
  private readonly yGroup: Uint32Array
  private readonly jointGroup: Uint32Array
  private readonly xGroups: number
  private readonly yGroups: number
  private readonly jointGroups: number
  /** Pair indices sorted by x, then y. */
  private readonly byX: Uint32Array

  constructor(x: ArrayLike<number>, y: ArrayLike<number>) {
    this.n = x.length
    this.xGroup = zeroBased(denseRanks(x))
    this.yGroup = zeroBased(denseRanks(y))
    this.xGroups = groupCount(this.xGroup)
    this.yGroups = groupCount(this.yGroup)
    // x group * yGroups + y group orders pairs by x, then y: the joint ties are equal keys.
    const joint = new Float64Array(this.n)
    for (let i = 0; i < this.n; i++) joint[i] = this.xGroup[i] * this.yGroups + this.yGroup[i]
    this.jointGroup = zeroBased(denseRanks(joint))
    this.jointGroups = groupCount(this.jointGroup)
    this.byX = argsort(joint)
  }

  /** Spearman rho and Kendall tau-b of the sample holding pair i counts[i] times; NaN where undefined. */
  correlations(counts: ArrayLike<number>): { spearman: number; kendall: number } {
    // One array type in the loops below keeps them monomorphic (2x faster in V8).
    const c = counts instanceof Float64Array ? counts : Float64Array.from(counts)
    const total = sum(c)
    if (total < 2) return { spearman: Number.NaN, kendall: Number.NaN }
    const xWeight = groupWeights(this.xGroup, this.xGroups, c)
    const yWeight = groupWeights(this.yGroup, this.yGroups, c)
    return { spearman: this.spearman(c, total, xWeight, yWeight), kendall: this.kendall(c, total, xWeight, yWeight) }
  }

  /** Pearson of average ranks: a group of w equal values after c smaller ones has rank c + (w + 1) / 2. */
  private spearman(counts: Float64Array, total: number, xWeight: Float64Array, yWeight: Float64Array): number {
    const xRank = averageGroupRanks(xWeight)
    const yRank = averageGroupRanks(yWeight)
    // Average ranks of N values always sum to N (N + 1) / 2, so their mean is exact.
    const mean = (total + 1) / 2
    let sxy = 0
    let sxx = 0
    let syy = 0
    for (let i = 0; i < this.n; i++) {
      const c = counts[i]
      if (c === 0) continue
      const dx = xRank[this.xGroup[i]] - mean
      const dy = yRank[this.yGroup[i]] - mean
      sxy += c * dx * dy
      sxx += c * dx * dx
      syy += c * dy * dy
    }
    if (sxx === 0 || syy === 0) return Number.NaN
    return Math.min(1, Math.max(-1, sxy / Math.sqrt(sxx * syy)))
  }

  /**
   * Knight's algorithm as kendallTauB, with weights: discordant pairs are counted one x group at a
   * time against the counts already inserted in a Fenwick tree over the y groups; copies of one
   * pair are joint ties.
   */
  private kendall(counts: Float64Array, total: number, xWeight: Float64Array, yWeight: Float64Array): number {
    const tree = new Float64Array(this.yGroups + 1)
    let discordant = 0
    let inserted = 0
    let start = 0
    while (start < this.n) {
      const group = this.xGroup[this.byX[start]]
      let end = start
      while (end < this.n && this.xGroup[this.byX[end]] === group) {
        const i = this.byX[end]
        const c = counts[i]
        if (c > 0) {
          // inserted - #(earlier with y <= this y) = #(earlier with y > this y).
          let notGreater = 0
          for (let idx = this.yGroup[i] + 1; idx > 0; idx &= idx - 1) notGreater += tree[idx]
          discordant += c * (inserted - notGreater)
        }
        end++
      }
      for (let k = start; k < end; k++) {
        const i = this.byX[k]
        const c = counts[i]
        if (c === 0) continue
        for (let idx = this.yGroup[i] + 1; idx <= this.yGroups; idx += idx & -idx) tree[idx] += c
        inserted += c
      }
      start = end
    }
    const pairs = (total * (total - 1)) / 2
    const xTies = tiedPairs(xWeight)
    const yTies = tiedPairs(yWeight)
    const jointTies = tiedPairs(groupWeights(this.jointGroup, this.jointGroups, counts))
    if (xTies === pairs || yTies === pairs) return Number.NaN
    const concordantMinusDiscordant = pairs - xTies - yTies + jointTies - 2 * discordant
    const tau = concordantMinusDiscordant / Math.sqrt(pairs - xTies) / Math.sqrt(pairs - yTies)
    return Math.min(1, Math.max(-1, tau))
  }
}

function zeroBased(ranks: Uint32Array): Uint32Array {
  for (let i = 0; i < ranks.length; i++) ranks[i]--
  return ranks
}

function groupCount(groups: Uint32Array): number {
  let max = -1
  for (let i = 0; i < groups.length; i++) if (groups[i] > max) max = groups[i]
  return max + 1
}

function sum(values: Float64Array): number {
  let total = 0
  for (let i = 0; i < values.length; i++) total += values[i]
  return total
}

/** Total count of each group. */
function groupWeights(groups: Uint32Array, size: number, counts: Float64Array): Float64Array {
  const weights = new Float64Array(size)
  for (let i = 0; i < groups.length; i++) weights[groups[i]] += counts[i]
  return weights
}

/** Average rank (1-based) of each group, the groups in ascending order of value. */
function averageGroupRanks(weights: Float64Array): Float64Array {
  const ranks = new Float64Array(weights.length)
  let before = 0
  for (let g = 0; g < weights.length; g++) {
    ranks[g] = before + (weights[g] + 1) / 2
    before += weights[g]
  }
  return ranks
}

/** Sum of w (w - 1) / 2 over the group weights: pairs tied within a group. */
function tiedPairs(weights: Float64Array): number {
  let pairs = 0
  for (let g = 0; g < weights.length; g++) pairs += (weights[g] * (weights[g] - 1)) / 2
  return pairs
}
