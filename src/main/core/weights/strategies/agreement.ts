import { allIndices, MIN_COMMON_ARCHS, MIN_COMMON_FRACTION, nanFraction, pairText, spearmanOnCommon, type PairVerdict, type Selection, type SweepTable } from '../selection.ts'
import { selectPlateau } from './plateau.ts'
import type { SelectionStrategy } from './strategy.ts'

/**
 * The agreement strategy, label-free: the pair whose ranking agrees best (Spearman on the archs it
 * scores) with the archs' parameter counts. Every network has a parameter count and, within a
 * benchmark space, bigger networks tend to train better, so a pair that ranks like the counts ranks
 * in the direction of accuracy; a pair whose activations saturate or vanish ranks like nothing.
 * Measured (docs/selection.md): within 0.03 of the grid's best pair on NB201 CIFAR-10/100,
 * ImageNet16-120 and NB101, where the plateau misses NB101 by 0.59. No constant to tune beyond the
 * shared minimum of common archs.
 *
 * Without usable counts (none, or all equal: nothing to rank by), or when no pair scores enough
 * archs to be compared with them (a sample of a few archs), it falls back to the plateau
 * strategy and says so in the evidence, rather than refusing: it is the default strategy, and a
 * sweep of equally sized networks should still get a pair.
 */

/** Why the counts cannot rank the sample (null when they can). */
function unusableCounts(counts: ReadonlyArray<number | null> | undefined, indices: readonly number[]): string | null {
  const known = new Set<number>()
  for (const i of indices) {
    const c = counts?.[i]
    if (c !== null && c !== undefined && Number.isFinite(c)) known.add(c)
  }
  if (known.size === 0) return 'the sweep has no parameter counts'
  if (known.size === 1) return `every arch has the same parameter count (${[...known][0]})`
  return null
}

/** The plateau strategy's choice, with the reason the counts could not choose in front of its evidence. */
function plateauInstead(table: SweepTable, indices: readonly number[], why: string): Selection {
  const plateau = selectPlateau(table, indices)
  return { ...plateau, evidence: `${why}, so this is the plateau strategy's choice${plateau.evidence ? `: ${plateau.evidence}` : ''}` }
}

/** The pair that ranks most like the parameter counts (ties: fewer NaN, then the wider pair, then the lower exponents). */
export function selectAgreement(table: SweepTable, indices: readonly number[] = allIndices(table)): Selection {
  const why = unusableCounts(table.parameters, indices)
  if (why !== null) return plateauInstead(table, indices, why)
  const counts = table.parameters as ReadonlyArray<number | null>
  const common = new Map<PairVerdict, number>()
  const verdicts = table.pairs.map(({ pair, epsilon }): PairVerdict => {
    const found = spearmanOnCommon(epsilon, counts, indices)
    const verdict = { pair, nanFraction: nanFraction(epsilon, indices), metricValue: found?.rho ?? null }
    if (found) common.set(verdict, found.common)
    return verdict
  })
  const spread = (v: PairVerdict): number => v.pair.high - v.pair.low
  const ranked = verdicts
    .filter((v) => v.metricValue !== null)
    .sort((a, b) => (b.metricValue as number) - (a.metricValue as number) || a.nanFraction - b.nanFraction || spread(b) - spread(a) || a.pair.low - b.pair.low)
  // A small sample (the pages' quick sweeps of a few archs) leaves no pair enough archs to compare.
  if (ranked.length === 0) return plateauInstead(table, indices, `no pair scores the ${Math.max(MIN_COMMON_ARCHS, Math.ceil(MIN_COMMON_FRACTION * indices.length))} archs a comparison with the parameter counts needs`)
  const chosen = ranked[0]
  const runnerUp = ranked[1] ?? null
  const rho = chosen.metricValue as number
  const evidence =
    `its ranking agrees best with the archs' parameter counts (label-free): Spearman ${rho.toFixed(3)} on the ${common.get(chosen)} of ${indices.length} archs it scores` +
    // The margin to 2 significant digits: neighbouring pairs of a plateau often agree to 3 decimals.
    (runnerUp ? `; next best ${pairText(runnerUp.pair)} at ${(runnerUp.metricValue as number).toFixed(3)} (${(rho - (runnerUp.metricValue as number)).toPrecision(2)} lower)` : '')
  return { chosen, runnerUp, considered: verdicts, evidence }
}

/** Label-free: the pair that ranks like the parameter counts. Ignores the NaN threshold: NaN is placed afterwards. */
export const agreementStrategy: SelectionStrategy = {
  id: 'agreement',
  description: 'label-free: the pair whose ranking agrees best with the archs\' parameter counts (plateau when they cannot rank; NaN threshold not used)',
  labelFree: true,
  select(table, options) {
    return selectAgreement(table, options.indices)
  },
}
