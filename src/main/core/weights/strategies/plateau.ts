import { averageRanks, pearson } from '../../stats/index.ts'
import { allIndices, enoughCommon, nanFraction, pairText, spearmanOnCommon, type PairVerdict, type Selection, type SweepTable } from '../selection.ts'
import type { SelectionStrategy } from './strategy.ts'

/**
 * The plateau strategy, label-free: pairs whose rankings agree with many other pairs' form a
 * plateau of the grid; a pair that ranks unlike its neighbours (an outlier: weights so large that
 * the activations saturate, or a window too narrow to separate the archs) is alone. The choice is
 * the centre of the largest plateau: the member that agrees best with the other members.
 * Measured on NB201 (docs/selection.md): the twelve pairs with low weight <= 1e-4 and high weight
 * >= 1e-2 agree at 0.94-1.0 and form the largest plateau; the narrow pairs below 1e-3 form a
 * smaller one; the NaN-free pairs (low weight >= 1e-3) agree with neither.
 */

/**
 * Two pairs are linked when their rankings agree at least this much (Spearman on their common
 * archs); a plateau is a connected group. Set before measuring and checked on NB201 CIFAR-10 only:
 * the same pair, [1e-4, 1e-1], for any value from 0.85 to 0.98 (plateaus of 13 to 8 pairs).
 */
export const PLATEAU_AGREEMENT = 0.9

/**
 * A pair's scored positions in the sample and its average ranks there. Pairs with the same NaN
 * pattern (most of a grid: NaN comes from the low weight) share their common archs, so their
 * Spearman is the Pearson correlation of these ranks, exactly, without sorting again: the
 * bootstrap runs the strategy hundreds of times.
 */
function scoredRanks(epsilon: ReadonlyArray<number | null>, indices: readonly number[]): { pattern: string; ranks: Float64Array } {
  const positions: number[] = []
  const values: number[] = []
  indices.forEach((i, k) => {
    const v = epsilon[i]
    if (v === null) return
    positions.push(k)
    values.push(v)
  })
  return { pattern: positions.join(','), ranks: averageRanks(values) }
}

/** Connected groups of the graph whose edges join pairs that agree at least PLATEAU_AGREEMENT. */
function components(count: number, linked: (i: number, j: number) => boolean): number[][] {
  const seen = new Array<boolean>(count).fill(false)
  const groups: number[][] = []
  for (let start = 0; start < count; start++) {
    if (seen[start]) continue
    const group: number[] = []
    const stack = [start]
    seen[start] = true
    while (stack.length > 0) {
      const i = stack.pop() as number
      group.push(i)
      for (let j = 0; j < count; j++) {
        if (!seen[j] && linked(i, j)) {
          seen[j] = true
          stack.push(j)
        }
      }
    }
    groups.push(group.sort((a, b) => a - b))
  }
  return groups
}

/** The agreement graph of a sweep: every two pairs' Spearman (null: too few common archs), its plateaus and the largest. */
export interface Plateaus {
  /** rho[i][j]: Spearman of pairs i and j on their common archs (indices into table.pairs). */
  rho: Array<Array<number | null>>
  /** rho weighted by the fraction of the sample both pairs score. */
  weighted: number[][]
  /** Connected groups of pairs linked at PLATEAU_AGREEMENT, each sorted. */
  groups: number[][]
  /** The largest group (ties: the higher mean weighted agreement inside it). */
  largest: number[]
}

/** A pair's mean weighted agreement with the other members of a group. */
function meanWithin(weighted: readonly number[][], i: number, group: readonly number[]): number {
  const others = group.filter((j) => j !== i)
  return others.length === 0 ? 0 : others.reduce((sum, j) => sum + weighted[i][j], 0) / others.length
}

/**
 * Each pair's agreement with the others (Spearman on common archs, weighted by the common
 * fraction of the sample so that agreeing on a few archs counts for little) and the plateaus.
 */
export function findPlateaus(table: SweepTable, indices: readonly number[] = allIndices(table)): Plateaus {
  const n = table.pairs.length
  const weighted: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0))
  const rho: Array<Array<number | null>> = Array.from({ length: n }, () => new Array<number | null>(n).fill(null))
  const own = table.pairs.map(({ epsilon }) => scoredRanks(epsilon, indices))
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const samePattern = own[i].pattern === own[j].pattern
      const common = own[i].ranks.length
      const sameRho = samePattern && enoughCommon(common, indices.length) ? pearson(own[i].ranks, own[j].ranks) : Number.NaN
      const found = samePattern ? (Number.isFinite(sameRho) ? { rho: sameRho, common } : null) : spearmanOnCommon(table.pairs[i].epsilon, table.pairs[j].epsilon, indices)
      if (!found) continue
      rho[i][j] = rho[j][i] = found.rho
      weighted[i][j] = weighted[j][i] = (found.rho * found.common) / Math.max(indices.length, 1)
    }
  }
  const groups = components(n, (i, j) => (rho[i][j] ?? -1) >= PLATEAU_AGREEMENT)
  const groupScore = (group: readonly number[]): number => group.reduce((sum, i) => sum + meanWithin(weighted, i, group), 0) / group.length
  const largest = [...groups].sort((a, b) => b.length - a.length || groupScore(b) - groupScore(a))[0] ?? []
  return { rho, weighted, groups, largest }
}

/** The centre of the largest plateau (ties: the higher mean agreement inside it, then fewer NaN). */
export function selectPlateau(table: SweepTable, indices: readonly number[] = allIndices(table)): Selection {
  const n = table.pairs.length
  const { weighted, largest } = findPlateaus(table, indices)
  const within = (i: number, group: readonly number[]): number => meanWithin(weighted, i, group)
  const verdicts = table.pairs.map(({ pair, epsilon }, i): PairVerdict => ({
    pair,
    nanFraction: nanFraction(epsilon, indices),
    metricValue: within(i, largest.includes(i) ? largest : allIndicesOf(n)),
  }))
  const ranked = [...largest].sort((a, b) => within(b, largest) - within(a, largest) || verdicts[a].nanFraction - verdicts[b].nanFraction)
  const chosen = ranked.length > 0 ? verdicts[ranked[0]] : null
  const runnerUp = ranked.length > 1 ? verdicts[ranked[1]] : null
  const evidence = chosen
    ? `it is the centre of the largest plateau, ${largest.length} of ${n} pairs linked by rankings that agree at Spearman >= ${PLATEAU_AGREEMENT} on their common archs ` +
      `(${largest.map((i) => pairText(table.pairs[i].pair)).join('; ')}); its mean coverage-weighted agreement with the others is ${(chosen.metricValue as number).toFixed(3)}`
    : undefined
  return { chosen, runnerUp, considered: verdicts, evidence }
}

function allIndicesOf(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
}

/** Label-free: the centre of the largest group of pairs that rank alike. Ignores the NaN threshold: NaN is placed afterwards. */
export const plateauStrategy: SelectionStrategy = {
  id: 'plateau',
  description: 'label-free: the centre of the largest plateau of pairs whose rankings agree (NaN threshold not used)',
  labelFree: true,
  select(table, options) {
    return selectPlateau(table, options.indices)
  },
}
