import type { ExponentPair } from './grid.ts'
import type { SweepTable } from './selection.ts'
import { findPlateaus, PLATEAU_AGREEMENT, selectPlateau } from './strategies/plateau.ts'

/**
 * A label-free warning that a chosen pair may rank poorly (issue 13, Weights page). It reads the
 * scores only, never the accuracies, so it holds on a new space: on NB201 the pairs that rank well
 * agree with each other (the plateau), while the widest NaN-free pair ranks unlike them at 0.2
 * (docs/selection.md). The groups are the plateau strategy's own, so the warning and the strategy
 * cannot disagree about what the plateau is.
 */

function exponentText(x: number): string {
  return x === 0 ? '1' : `1e${x}`
}

/** "[1e-4, 1e-1]", as a person reads a pair. */
export function pairLabel(pair: ExponentPair): string {
  return `[${exponentText(pair.low)}, ${exponentText(pair.high)}]`
}

/**
 * One line when `chosen` is outside the largest group of pairs that rank alike, when no two pairs
 * rank alike, or when several equally large groups rank unlike each other (the grid gives no
 * single plateau to trust); null otherwise, and when nothing was chosen.
 */
export function rankingWarning(table: SweepTable, chosen: ExponentPair | null): string | null {
  if (!chosen || table.pairs.length < 2) return null
  // The strategies never see accuracies; neither does the warning.
  const scores: SweepTable = { archs: table.archs, pairs: table.pairs }
  const index = scores.pairs.findIndex((p) => p.pair.low === chosen.low && p.pair.high === chosen.high)
  if (index < 0) return null
  const { rho, groups, largest } = findPlateaus(scores)
  const label = pairLabel(chosen)
  if (largest.length < 2) {
    return `No two of the ${scores.pairs.length} pairs rank alike (Spearman >= ${PLATEAU_AGREEMENT} on the archs both score): nothing label-free supports ${label}; its ranking may be poor.`
  }
  const rivals = groups.filter((g) => g.length === largest.length)
  if (rivals.length > 1) {
    return `The pairs form ${rivals.length} groups of ${largest.length} that rank unlike each other: which one ranks well is not known without labels, so the ranking of ${label} may be poor.`
  }
  if (largest.includes(index)) return null
  const agreements = largest.map((j) => rho[index][j]).filter((r): r is number => r !== null)
  const mean = agreements.length > 0 ? `mean Spearman ${(agreements.reduce((a, b) => a + b, 0) / agreements.length).toFixed(2)} to them` : 'too few archs scored in common to compare'
  const plateauChoice = selectPlateau(scores).chosen
  const suggestion = plateauChoice ? `; the plateau strategy picks ${pairLabel(plateauChoice.pair)}` : ''
  return `${label} ranks unlike the ${largest.length} pairs that agree with each other (${mean}): its ranking may be poor${suggestion}.`
}
