/** Automatic weight-pair selection (metric.md section 6): grids, the strategies, their evaluation, stability. */
export { exponentGrid, gridPairs, parseExponentRange, weightOf, weightsOf, type ExponentPair } from './grid.ts'
export { NumpyLegacyRandom } from './numpy-legacy-random.ts'
export {
  bootstrapStability,
  pairText,
  type PairVerdict,
  type Selection,
  type SelectionMetric,
  type Stability,
  type SweepTable,
} from './selection.ts'
export {
  DEFAULT_SELECTION_STRATEGY,
  getStrategy,
  PLATEAU_AGREEMENT,
  referenceRange,
  selectAgreement,
  selectGrid,
  selectPlateau,
  selectReference,
  STRATEGIES,
  strategyIds,
  type GridOptions,
  type SelectionStrategy,
  type StrategyOptions,
} from './strategies/index.ts'
export { explainSelection } from './explain.ts'
export { evaluateStrategies, formatEvaluation, pairQuality, type Evaluation, type PairQuality, type StrategyEvaluation } from './evaluate.ts'
