/** Automatic weight-pair selection (metric.md section 6): grids, the reference and grid strategies, stability. */
export { exponentGrid, gridPairs, parseExponentRange, weightOf, weightsOf, type ExponentPair } from './grid.ts'
export { NumpyLegacyRandom } from './numpy-legacy-random.ts'
export {
  bootstrapStability,
  pairText,
  selectGrid,
  selectReference,
  type GridOptions,
  type PairVerdict,
  type Selection,
  type SelectionMetric,
  type Stability,
  type SweepTable,
} from './selection.ts'
export { explainSelection } from './explain.ts'
