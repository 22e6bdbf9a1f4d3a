import type { EpsilonStatsView } from '../../../shared/api.ts'
import { EpsinasError } from '../../../shared/errors.ts'
import { kendallTauB } from './kendall.ts'
import { percentile } from './percentile.ts'
import { compareNumbers } from './rank.ts'
import { spearman } from './spearman.ts'

/** The statistics of metric.md section 5; the shape is the API's, defined once in shared. */
export type EpsilonStats = EpsilonStatsView

/** Options of computeEpsilonStats. */
export interface EpsilonStatsOptions {
  /** Accuracies are perplexities or losses: negate them so that higher is better. */
  lowerIsBetter?: boolean
}

/**
 * Port of the reference's compute_stats (epsinas): drops non-finite pairs, then Spearman and
 * Kendall over all and over the top 10% by accuracy (strict > its 90th percentile),
 * top-10%/top-10% and top-64/top-5% (score >= the 64th highest score, ties included).
 */
export function computeEpsilonStats(
  scores: readonly (number | null)[],
  accuracies: readonly (number | null)[],
  options: EpsilonStatsOptions = {},
): EpsilonStats {
  if (scores.length !== accuracies.length) {
    throw new EpsinasError(
      'BAD_ARGUMENT',
      `scores and accuracies differ in length (${scores.length} vs ${accuracies.length})`,
    )
  }
  const { score, acc } = finitePairs(scores, accuracies, options)
  const n = score.length

  const accTop10 = percentile(acc, 90)
  const scoreTop10 = percentile(score, 90)
  const bestScore: number[] = []
  const bestAcc: number[] = []
  let topScoreCount = 0
  let topBothCount = 0
  for (let i = 0; i < n; i++) {
    const topModel = acc[i] > accTop10
    const topScore = score[i] > scoreTop10
    if (topModel) {
      bestScore.push(score[i])
      bestAcc.push(acc[i])
    }
    if (topScore) topScoreCount++
    if (topModel && topScore) topBothCount++
  }

  return {
    n,
    nan: scores.length - n,
    spearman: finiteOrNull(spearman(score, acc)),
    kendall: finiteOrNull(kendallTauB(score, acc)),
    spearman_top10: finiteOrNull(spearman(bestScore, bestAcc)),
    kendall_top10: finiteOrNull(kendallTauB(bestScore, bestAcc)),
    // The reference divides 0 by 0 (NaN) when no score is above its 90th percentile.
    top10_top10: topScoreCount === 0 ? null : (topBothCount / topScoreCount) * 100,
    top64_top5: n > 64 ? top64Top5(score, acc) : null,
  }
}

/** The pairs with score and accuracy both finite, accuracies negated when lower is better: what every statistic here uses. */
export function finitePairs(
  scores: readonly (number | null)[],
  accuracies: readonly (number | null)[],
  options: EpsilonStatsOptions = {},
): { score: number[]; acc: number[] } {
  const sign = options.lowerIsBetter ? -1 : 1
  const score: number[] = []
  const acc: number[] = []
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]
    const a = accuracies[i]
    if (s === null || a === null || !Number.isFinite(s) || !Number.isFinite(a)) continue
    score.push(s)
    acc.push(sign * a)
  }
  return { score, acc }
}

/** Count of architectures with score >= the 64th highest score and accuracy > the 95th percentile. */
function top64Top5(score: readonly number[], acc: readonly number[]): number {
  const threshold = [...score].sort(compareNumbers)[score.length - 64]
  const accTop5 = percentile(acc, 95)
  let count = 0
  for (let i = 0; i < score.length; i++) if (acc[i] > accTop5 && score[i] >= threshold) count++
  return count
}

/** NaN and infinities become null so that the object survives JSON.stringify unchanged. */
function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null
}
