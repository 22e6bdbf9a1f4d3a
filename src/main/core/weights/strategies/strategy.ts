import type { Selection, SelectionMetric, SweepTable } from '../selection.ts'

/** What every strategy may be given; each reads only the fields it needs. */
export interface StrategyOptions {
  /** Largest acceptable NaN fraction (exclusive), in (0, 1]; the NaN-threshold strategies only. */
  nanThreshold: number
  /** Grid strategy with accuracies: maximise this statistic (an oracle, not a label-free choice). */
  metric?: SelectionMetric
  /** Arch indices into table.archs to judge on (repeats count); default every arch once. */
  indices?: readonly number[]
}

/** One way to choose a weight pair from a sweep; `select` is pure and returns its evidence with the choice. */
export interface SelectionStrategy {
  id: string
  /** One line for --help and the strategy list. */
  description: string
  /** True when the choice reads no accuracies (usable on a new space). */
  labelFree: boolean
  select(table: SweepTable, options: StrategyOptions): Selection
}
