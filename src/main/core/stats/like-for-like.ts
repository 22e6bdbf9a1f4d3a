import type { CorrelationIntervals } from './bootstrap.ts'
import { bootstrapStatsIntervals } from './bootstrap.ts'
import { computeEpsilonStats, type EpsilonStats, type EpsilonStatsOptions } from './summary.ts'

/** The section-5 statistics with the bootstrap intervals of Spearman and Kendall. */
export interface StatsWithIntervals extends EpsilonStats {
  intervals: CorrelationIntervals
}

/** computeEpsilonStats plus bootstrapStatsIntervals of the same arguments (default bootstrap). */
export function statsWithIntervals(
  scores: readonly (number | null)[],
  accuracies: readonly (number | null)[],
  options: EpsilonStatsOptions = {},
): StatsWithIntervals {
  return { ...computeEpsilonStats(scores, accuracies, options), intervals: bootstrapStatsIntervals(scores, accuracies, options) }
}

/** Indices where every column is finite: the archs that every proxy (and the accuracy) covers. */
export function commonArchs(columns: ReadonlyArray<ReadonlyArray<number | null>>): number[] {
  const n = columns[0]?.length ?? 0
  const indices: number[] = []
  for (let i = 0; i < n; i++) if (columns.every((column) => isFiniteNumber(column[i]))) indices.push(i)
  return indices
}

/** One proxy's statistics on the archs every proxy shares and on its own coverage. */
export interface ProxyComparison {
  proxy: string
  common: StatsWithIntervals
  own: StatsWithIntervals
}

/**
 * Like for like: each proxy (columns aligned with `accuracies`) on the SAME archs, those where the
 * accuracy and every proxy are finite, beside its own coverage. A proxy that is NaN where the
 * others are not is otherwise credited or blamed for archs the others never rank (issue 13, 4).
 */
export function compareOnCommonArchs(
  proxies: ReadonlyArray<{ name: string; scores: ReadonlyArray<number | null> }>,
  accuracies: ReadonlyArray<number | null>,
  options: EpsilonStatsOptions = {},
): { commonArchs: number; rows: ProxyComparison[] } {
  const common = commonArchs([accuracies, ...proxies.map((proxy) => proxy.scores)])
  const pick = (values: ReadonlyArray<number | null>): Array<number | null> => common.map((i) => values[i])
  const rows = proxies.map((proxy) => ({
    proxy: proxy.name,
    common: statsWithIntervals(pick(proxy.scores), pick(accuracies), options),
    own: statsWithIntervals([...proxy.scores], [...accuracies], options),
  }))
  return { commonArchs: common.length, rows }
}

function isFiniteNumber(value: number | null | undefined): value is number {
  return value !== null && value !== undefined && Number.isFinite(value)
}
