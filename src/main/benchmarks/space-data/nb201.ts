/** NAS-Bench-201's benchmark data: the NATS index order, index ids, trained (else Suite-Zero) accuracies, parameter counts. */
import { nb201Space } from '../../core/spaces/nb201/space.ts'
import { resolveNatsSplit, spaceCosts } from '../../store/benchmarks.ts'
import { natsTrainedAccuracies, suiteZeroAccuracies, trainedElseSuiteZero, type SpaceAccuracies } from '../accuracy-tables.ts'
import { installedNb201Order, nb201IndexReader } from '../arch-ids.ts'
import { NATS_TOPOLOGY } from '../nats-spaces.ts'
import { accuracyStatsTarget } from './accuracy-target.ts'
import type { SpaceBenchmarkData } from './index.ts'

const accuracies: SpaceAccuracies = {
  table: (store, dataset, split) =>
    trainedElseSuiteZero(
      (trainedSplit) => natsTrainedAccuracies(store, NATS_TOPOLOGY, dataset, trainedSplit),
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
  parameters: (store, dataset) => spaceCosts(store, NATS_TOPOLOGY.space, resolveNatsSplit(dataset, 'test').trainSet),
}
