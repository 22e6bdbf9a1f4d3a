/** NAS-Bench-201's benchmark data: the NATS index order, index ids, trained (else Suite-Zero) accuracies, parameter counts. */
import { nb201Space } from '../../core/spaces/nb201/space.ts'
import { nb201Costs, resolveNb201Split } from '../../store/benchmarks.ts'
import { nb201TrainedAccuracies, suiteZeroAccuracies, trainedElseSuiteZero, type SpaceAccuracies } from '../accuracy-tables.ts'
import { installedNb201Order, nb201IndexReader } from '../arch-ids.ts'
import { accuracyStatsTarget } from './accuracy-target.ts'
import type { SpaceBenchmarkData } from './index.ts'

const accuracies: SpaceAccuracies = {
  table: (store, dataset, split) =>
    trainedElseSuiteZero(
      (trainedSplit) => nb201TrainedAccuracies(store, dataset, trainedSplit),
      () => suiteZeroAccuracies(store, 'nb201', dataset, 200, 'final epoch'),
      split,
    ),
  items: 'nb201-nats-tss-simple (or nb201-nni-db, or zc-nasbench201 for validation accuracy)',
}

export const nb201Data: SpaceBenchmarkData = {
  space: nb201Space.id,
  // Only an ordering (the reference samplers draw from it); without NATS our enumeration is the same set.
  installedArchs: installedNb201Order,
  idReader: nb201IndexReader,
  accuracies,
  statsTarget: accuracyStatsTarget(nb201Space, accuracies),
  parameters: (store, dataset) => nb201Costs(store, resolveNb201Split(dataset, 'test').trainSet),
}
