/**
 * NATS-Bench size space's benchmark data: benchmark indices as ids (the index order is our
 * enumeration), the trained accuracies of NATS-sss-v1_0-50262-simple.tar, parameter counts.
 * Accuracies are read at the 90-epoch budget: the size space's longest (it was trained for 1, 12
 * and 90 epochs, never 200) and what NATS-Bench calls its full training, as 200 is NB201's.
 */
import { natsSssSpace } from '../../core/spaces/natssss/space.ts'
import { resolveNatsSplit, spaceCosts } from '../../store/benchmarks.ts'
import { natsTrainedAccuracies, type SpaceAccuracies } from '../accuracy-tables.ts'
import { natsSssIndexReader } from '../arch-ids.ts'
import { NATS_SIZE } from '../nats-spaces.ts'
import { accuracyStatsTarget } from './accuracy-target.ts'
import type { SpaceBenchmarkData } from './index.ts'

const accuracies: SpaceAccuracies = {
  // No Suite-Zero or NNI source covers the size space: only its own archive.
  table: (store, dataset, split) => natsTrainedAccuracies(store, NATS_SIZE, dataset, split ?? 'test'),
  items: NATS_SIZE.item,
}

export const natsSssData: SpaceBenchmarkData = {
  space: natsSssSpace.id,
  idReader: natsSssIndexReader,
  accuracies,
  statsTarget: accuracyStatsTarget(natsSssSpace, accuracies),
  parameters: (store, dataset) => spaceCosts(store, NATS_SIZE.space, resolveNatsSplit(dataset, 'test').trainSet),
}
