import { EpsinasError } from '../../../shared/errors.ts'
import { computeEpsilonStats, type EpsilonStats } from '../stats/index.ts'
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
}

/** Options of the grid strategy. */
export interface GridOptions {
  nanThreshold: number
  /** With accuracies: maximise this statistic among pairs under the threshold. */
  metric?: SelectionMetric
}

function pairEntry(table: SweepTable, pair: ExponentPair) {
  const entry = table.pairs.find((p) => p.pair.low === pair.low && p.pair.high === pair.high)
  if (!entry) throw new EpsinasError('INTERNAL', `the sweep has no scores for the pair 1e${pair.low}, 1e${pair.high}`)
  return entry
}

/** NaN fraction of a pair over the given arch indices (repeats count, as in the reference's sample). */
function nanFraction(epsilon: ReadonlyArray<number | null>, indices: readonly number[]): number {
  if (indices.length === 0) return 1
  return indices.filter((i) => epsilon[i] === null).length / indices.length
}

function allIndices(table: SweepTable): number[] {
  return table.archs.map((_, i) => i)
}

/**
 * The reference algorithm, step for step: exponents low..high; for window = high - low down to 1,
 * slide (low + k, low + k + window) upward; return the first pair whose NaN fraction over the
 * drawn sample is below the threshold (strictly). `draws` are indices into table.archs, with repeats.
 */
export function selectReference(table: SweepTable, options: { low: number; high: number; draws: readonly number[]; nanThreshold?: number }): Selection {
  const threshold = options.nanThreshold ?? 0.1
  const considered: PairVerdict[] = []
  for (let window = options.high - options.low; window >= 1; window--) {
    for (let low = options.low; low + window <= options.high; low++) {
      const pair = { low, high: low + window }
      const verdict = { pair, nanFraction: nanFraction(pairEntry(table, pair).epsilon, options.draws), metricValue: null }
      considered.push(verdict)
      if (verdict.nanFraction < threshold) return { chosen: verdict, runnerUp: null, considered }
    }
  }
  return { chosen: null, runnerUp: null, considered }
}

/**
 * The grid strategy: among pairs with NaN fraction under the threshold, the widest spread of
 * exponents (ties: fewer NaN, then the lower exponents); with a metric and accuracies, the
 * highest value of the metric (ties: the wider spread).
 */
export function selectGrid(table: SweepTable, options: GridOptions, indices: readonly number[] = allIndices(table)): Selection {
  if (!(options.nanThreshold > 0 && options.nanThreshold <= 1)) {
    throw new EpsinasError('BAD_ARGUMENT', `the NaN threshold is a fraction in (0, 1] (got ${options.nanThreshold})`)
  }
  if (options.metric && !table.accuracies) throw new EpsinasError('BAD_ARGUMENT', `--metric ${options.metric} needs accuracies`)
  const verdicts = table.pairs.map(({ pair, epsilon }): PairVerdict => ({
    pair,
    nanFraction: nanFraction(epsilon, indices),
    metricValue: options.metric ? metricOf(table, epsilon, indices, options.metric) : null,
  }))
  const spread = (v: PairVerdict): number => v.pair.high - v.pair.low
  const ranked = verdicts
    .filter((v) => v.nanFraction < options.nanThreshold && (!options.metric || v.metricValue !== null))
    .sort((a, b) =>
      options.metric
        ? (b.metricValue as number) - (a.metricValue as number) || spread(b) - spread(a) || a.pair.low - b.pair.low
        : spread(b) - spread(a) || a.nanFraction - b.nanFraction || a.pair.low - b.pair.low,
    )
  return { chosen: ranked[0] ?? null, runnerUp: ranked[1] ?? null, considered: verdicts }
}

function metricOf(table: SweepTable, epsilon: ReadonlyArray<number | null>, indices: readonly number[], metric: SelectionMetric): number | null {
  const accuracies = table.accuracies as ReadonlyArray<number | null>
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
