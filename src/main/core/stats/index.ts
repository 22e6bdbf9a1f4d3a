/** Statistics of a zero-cost score against trained accuracy (metric.md section 5); pure, no I/O. */
export { argsort, averageRanks, compareNumbers, hasNaN } from './rank.ts'
export { percentile } from './percentile.ts'
export { pearson, spearman } from './spearman.ts'
export { denseRanks, kendallTauB } from './kendall.ts'
export { computeEpsilonStats } from './summary.ts'
export type { EpsilonStats, EpsilonStatsOptions } from './summary.ts'
