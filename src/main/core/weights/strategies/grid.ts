import { EpsinasError } from '../../../../shared/errors.ts'
import { allIndices, metricOf, nanFraction, type PairVerdict, type Selection, type SelectionMetric, type SweepTable } from '../selection.ts'
import type { SelectionStrategy } from './strategy.ts'

/** Options of the grid strategy. */
export interface GridOptions {
  nanThreshold: number
  /** With accuracies: maximise this statistic among pairs under the threshold. */
  metric?: SelectionMetric
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

/** Widest pair under the NaN threshold (the paper's rule of thumb); with a metric, an oracle that reads the accuracies. */
export const gridStrategy: SelectionStrategy = {
  id: 'grid',
  description: 'widest pair under the NaN threshold (with --metric: the best statistic among them, reading accuracies)',
  labelFree: true,
  select(table, options) {
    return selectGrid(table, { nanThreshold: options.nanThreshold, metric: options.metric }, options.indices)
  },
}
