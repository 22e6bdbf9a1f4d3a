import { EpsinasError } from '../../../shared/errors.ts'
import { computeEpsilonStats, spearman, type EpsilonStats } from '../stats/index.ts'
import { SeededRandom } from '../random.ts'
import type { ExponentPair } from './grid.ts'

/**
 * Automatic weight-pair selection over a sweep (metric.md section 6). Pure: the sweep's scores in,
 * a choice and its explanation out.
 */

/** Scores of one architecture sample under every pair of a grid. */
export interface SweepTable {
  archs: readonly string[]
  pairs: ReadonlyArray<{ pair: ExponentPair; epsilon: ReadonlyArray<number | null> }>
  /** Trained accuracy per arch (aligned with archs), when known. */
  accuracies?: ReadonlyArray<number | null>
  /**
   * Parameter count per arch (aligned with archs; SearchSpace.parameterCount), null where it
   * cannot be counted. Label-free: the `agreement` strategy and the full-coverage ranking use it.
   */
  parameters?: ReadonlyArray<number | null>
  /**
   * Label-free proxies installed for the space (Suite-Zero), aligned with archs: the full-coverage
   * ranking adds them to epsilon and the parameter counts. Never the accuracies.
   */
  proxies?: ReadonlyArray<{ name: string; values: ReadonlyArray<number | null> }>
}

/** Statistics a grid choice can maximise. */
export type SelectionMetric = 'spearman' | 'kendall' | 'spearman_top10' | 'kendall_top10' | 'top10_top10' | 'top64_top5'

/** One pair as judged by a strategy. */
export interface PairVerdict {
  pair: ExponentPair
  nanFraction: number
  metricValue: number | null
}

/** The outcome of a strategy: the choice (null when no pair passes), the runner-up and the pairs it looked at, in order. */
export interface Selection {
  chosen: PairVerdict | null
  runnerUp: PairVerdict | null
  considered: PairVerdict[]
  /**
   * Why this pair, in one sentence, for strategies whose reason is not the NaN rule (e.g. the
   * plateau names its members and their agreement); `metricValue` then holds the strategy's own score.
   */
  evidence?: string
}

/** The scores of one pair of the sweep; INTERNAL when the sweep lacks it. */
export function pairEntry(table: SweepTable, pair: ExponentPair) {
  const entry = table.pairs.find((p) => p.pair.low === pair.low && p.pair.high === pair.high)
  if (!entry) throw new EpsinasError('INTERNAL', `the sweep has no scores for the pair 1e${pair.low}, 1e${pair.high}`)
  return entry
}

/** NaN fraction of a pair over the given arch indices (repeats count, as in the reference's sample). */
export function nanFraction(epsilon: ReadonlyArray<number | null>, indices: readonly number[]): number {
  if (indices.length === 0) return 1
  return indices.filter((i) => epsilon[i] === null).length / indices.length
}

/**
 * Fewer common non-NaN archs than this, or than this fraction of the sample, and two rankings are
 * not compared (plateau: pair with pair; agreement: pair with the parameter counts): a few archs agree by chance.
 */
export const MIN_COMMON_ARCHS = 10
export const MIN_COMMON_FRACTION = 0.2

/** Whether `common` archs (repeats count) of a sample of `sample` are enough to compare two rankings. */
export function enoughCommon(common: number, sample: number): boolean {
  return common >= Math.max(MIN_COMMON_ARCHS, MIN_COMMON_FRACTION * sample)
}

/**
 * Spearman of two per-arch series on the sample's archs where both are known (null or non-finite:
 * unknown; repeats count), with how many; null when too few are common or the result is undefined.
 */
export function spearmanOnCommon(a: ReadonlyArray<number | null>, b: ReadonlyArray<number | null>, indices: readonly number[]): { rho: number; common: number } | null {
  const x: number[] = []
  const y: number[] = []
  for (const i of indices) {
    const u = a[i]
    const v = b[i]
    if (u === null || v === null || !Number.isFinite(u) || !Number.isFinite(v)) continue
    x.push(u)
    y.push(v)
  }
  if (!enoughCommon(x.length, indices.length)) return null
  const rho = spearman(x, y)
  return Number.isFinite(rho) ? { rho, common: x.length } : null
}

/** Every arch index of the table, once. */
export function allIndices(table: SweepTable): number[] {
  return table.archs.map((_, i) => i)
}

/** A statistic of one pair's scores against the accuracies over the given arch indices. */
export function metricOf(table: SweepTable, epsilon: ReadonlyArray<number | null>, indices: readonly number[], metric: SelectionMetric): number | null {
  if (!table.accuracies) throw new EpsinasError('BAD_ARGUMENT', `--metric ${metric} needs accuracies`)
  const accuracies = table.accuracies
  const stats: EpsilonStats = computeEpsilonStats(indices.map((i) => epsilon[i]), indices.map((i) => accuracies[i]))
  return stats[metric]
}

/** How often the grid strategy picks each pair when the architectures are resampled with replacement. */
export interface Stability {
  resamples: number
  /** Fraction of resamples that chose the same pair as the full sample. */
  sameChoice: number
  /** Pair text (e.g. "1e-7,1e0") -> fraction of resamples choosing it; "none" when nothing passed. */
  frequencies: Record<string, number>
}

/**
 * Bootstrap of a choice: `resamples` draws of `size` indices with replacement (seeded), the
 * strategy re-run on each (`choose` maps resampled indices to a pair or null).
 */
export function bootstrapStability(
  size: number,
  choose: (indices: readonly number[]) => ExponentPair | null,
  chosen: ExponentPair | null,
  resamples = 200,
  seed = 0,
): Stability {
  const random = new SeededRandom(seed)
  const counts = new Map<string, number>()
  for (let r = 0; r < resamples; r++) {
    const indices = Array.from({ length: size }, () => random.nextInt(size))
    const pick = choose(indices)
    const key = pick ? pairText(pick) : 'none'
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  const frequencies = Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).map(([key, count]) => [key, count / resamples]))
  return { resamples, sameChoice: (counts.get(chosen ? pairText(chosen) : 'none') ?? 0) / resamples, frequencies }
}

/** "1e-7,1e0" */
export function pairText(pair: ExponentPair): string {
  return `1e${pair.low},1e${pair.high}`
}
