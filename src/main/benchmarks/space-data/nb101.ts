/** NAS-Bench-101's benchmark data: the installed modules (its only "all"), module-hash ids, trained (else Suite-Zero) accuracies. */
import { NB101_SIZE } from '../../core/spaces/nb101/index.ts'
import { nb101Space } from '../../core/spaces/nb101/space.ts'
import { nb101TrainedAccuracies, suiteZeroAccuracies, trainedElseSuiteZero, type SpaceAccuracies } from '../accuracy-tables.ts'
import { installedNb101Specs, nb101HashReader } from '../arch-ids.ts'
import { accuracyStatsTarget } from './accuracy-target.ts'
import type { SpaceBenchmarkData } from './index.ts'

const accuracies: SpaceAccuracies = {
  table: (store, dataset, split) =>
    trainedElseSuiteZero(
      (trainedSplit) => nb101TrainedAccuracies(store, dataset, trainedSplit),
      // Suite-Zero NB101: each key's val_accuracy is one sampled 108-epoch run; the import averages a module's keys.
      () => suiteZeroAccuracies(store, 'nb101', dataset, 108, 'mean over the isomorphic specs of each module hash'),
      split,
    ),
  items: 'nb101-only108 (or nb101-nni-db, or zc-nasbench101 for validation accuracy)',
}

export const nb101Data: SpaceBenchmarkData = {
  space: nb101Space.id,
  installedArchs: installedNb101Specs,
  allArchsUnavailable: (database) =>
    `every NAS-Bench-101 graph (${NB101_SIZE.toLocaleString('en-US')}) comes from the benchmark data, which is not installed in ${database}: run epsinas data download nb101-only108 then epsinas data convert nb101-only108 (or nb101-nni-db); or use --limit N --seed S for a random sample or --archs FILE (one {"matrix": [[...]], "ops": [...]} per line)`,
  idReader: nb101HashReader,
  accuracies,
  statsTarget: accuracyStatsTarget(nb101Space, accuracies),
}
