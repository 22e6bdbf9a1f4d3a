import { EpsinasError } from '../../../../shared/errors.ts'
import { allIndices, nanFraction, pairEntry, type PairVerdict, type Selection, type SweepTable } from '../selection.ts'
import type { SelectionStrategy } from './strategy.ts'

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
 * The integer exponent range of a sweep that holds every pair of it (the windows need them all);
 * BAD_ARGUMENT otherwise.
 */
export function referenceRange(table: SweepTable): { low: number; high: number } {
  const low = Math.min(...table.pairs.map((p) => p.pair.low))
  const high = Math.max(...table.pairs.map((p) => p.pair.high))
  const has = (a: number, b: number): boolean => table.pairs.some((p) => p.pair.low === a && p.pair.high === b)
  const complete = Number.isInteger(low) && Number.isInteger(high) && Array.from({ length: high - low }, (_, i) => low + i).every((a) => Array.from({ length: high - a }, (_, j) => a + j + 1).every((b) => has(a, b)))
  if (!complete) throw new EpsinasError('BAD_ARGUMENT', 'The reference strategy needs a sweep over every pair of integer exponents with step 1; use the grid strategy for this sweep.')
  return { low, high }
}

/** The paper's sliding window over the sweep's exponents; each arch of the table drawn once unless indices say otherwise. */
export const referenceStrategy: SelectionStrategy = {
  id: 'reference',
  description: "the paper's algorithm: widest window first, sliding up, first pair under the NaN threshold",
  labelFree: true,
  select(table, options) {
    return selectReference(table, { ...referenceRange(table), draws: options.indices ?? allIndices(table), nanThreshold: options.nanThreshold })
  },
}
