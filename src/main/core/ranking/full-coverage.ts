/**
 * A ranking that places every architecture, NaN epsilon included (issue 13, section 3; the rule
 * and its measurements: docs/ranking.md). Pure: same signals, same ranks.
 */
import { EpsinasError } from '../../../shared/errors.ts'
import { averageRanks } from '../stats/rank.ts'

/** The signal whose finite values say an arch was placed by epsilon itself. */
export const EPSILON_SIGNAL = 'epsilon'

/** One label-free score per arch, aligned with the archs; higher is better, null or NaN: missing. */
export interface RankSignal {
  name: string
  values: ReadonlyArray<number | null>
}

/** How an arch got its place. */
export type Placement = 'epsilon' | 'aggregate' | 'none'

/** Every arch's place, aligned with the signals' archs. */
export interface FullCoverageRanking {
  /** 1 = best; ties share the average of the ranks they span. */
  rank: number[]
  /** Mean over the arch's finite signals of log(percentile rank), at most 0; -Infinity for an arch without any. */
  score: number[]
  /** `epsilon`: its epsilon is finite; `aggregate`: placed by the other signals only; `none`: no signal at all, tied last. */
  placedBy: Placement[]
}

/**
 * Ranks every arch by the mean, over the signals finite for that arch, of log(percentile rank),
 * the percentile being the signal's average rank (ascending) divided by the number of archs where
 * it is finite: 1 for the best of a signal, 1/n for its worst. Each signal counts by its order
 * alone (Suite-Zero's proxies span orders of magnitude), a signal's missing archs are simply not
 * averaged over (an arch whose epsilon is NaN is placed by the others), and the log makes a bad
 * place in one signal weigh more than a good place in another: measured on NB201 CIFAR-10, it
 * beats the mean of the percentiles themselves (docs/ranking.md).
 */
export function rankEveryArch(signals: readonly RankSignal[], archCount: number): FullCoverageRanking {
  if (!(Number.isInteger(archCount) && archCount >= 0)) throw new EpsinasError('BAD_ARGUMENT', `archCount must be a non-negative integer, got ${archCount}`)
  for (const signal of signals) {
    if (signal.values.length !== archCount) {
      throw new EpsinasError('BAD_ARGUMENT', `ranking signal ${signal.name} has ${signal.values.length} values for ${archCount} architectures`)
    }
  }
  const sums = new Float64Array(archCount)
  const counts = new Uint32Array(archCount)
  for (const signal of signals) {
    const finite = finiteIndices(signal.values)
    const ranks = averageRanks(finite.map((i) => signal.values[i] as number))
    finite.forEach((arch, k) => {
      sums[arch] += Math.log(ranks[k] / finite.length)
      counts[arch]++
    })
  }
  const score = Array.from(sums, (sum, arch) => (counts[arch] === 0 ? -Infinity : sum / counts[arch]))
  // Ascending ranks of the negated scores: the best score gets rank 1; -Infinity (no signal) ties last.
  const rank = Array.from(averageRanks(score.map((s) => -s)))
  const epsilon = signals.find((signal) => signal.name === EPSILON_SIGNAL)
  const placedBy = score.map((_, arch): Placement =>
    counts[arch] === 0 ? 'none' : epsilon !== undefined && isFiniteNumber(epsilon.values[arch]) ? 'epsilon' : 'aggregate',
  )
  return { rank, score, placedBy }
}

/** How many archs each placement holds. */
export function placementCounts(placedBy: readonly Placement[]): Record<Placement, number> {
  const counts: Record<Placement, number> = { epsilon: 0, aggregate: 0, none: 0 }
  for (const placement of placedBy) counts[placement]++
  return counts
}

function finiteIndices(values: ReadonlyArray<number | null>): number[] {
  const indices: number[] = []
  values.forEach((value, i) => {
    if (isFiniteNumber(value)) indices.push(i)
  })
  return indices
}

function isFiniteNumber(value: number | null | undefined): value is number {
  return value !== null && value !== undefined && Number.isFinite(value)
}
