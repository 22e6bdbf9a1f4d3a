/**
 * The installed accuracies of a space, the one lookup `stats`, sweeps and the Compare page share:
 * each space's benchmark data (space-data/) says which tables it reads (NB201 / NB101: the
 * benchmark's own trained accuracy, else NAS-Bench-Suite-Zero's val_accuracy).
 */
import { EpsinasError } from '../../shared/errors.ts'
import type { DatasetId, SpaceId } from '../../shared/types.ts'
import { getSpace } from '../core/spaces/registry.ts'
import type { BenchmarkStore } from '../store/benchmarks.ts'
import type { AccuracySource, AccuracySplit, InstalledAccuracyTable } from './accuracy-tables.ts'
import { installedAccuraciesOf } from './space-data/accuracy-target.ts'
import { spaceBenchmarkData } from './space-data/index.ts'

export { SUITE_ZERO_ACCURACY, type AccuracySource, type AccuracySplit, type InstalledAccuracyTable } from './accuracy-tables.ts'

/**
 * The installed accuracies of a space and dataset keyed by the space's benchmark key; `split`
 * undefined: test preferred, any installed split accepted. Empty (source null) when nothing is
 * installed or the space has no installed accuracies.
 */
export function installedAccuracyTable(store: BenchmarkStore, space: SpaceId, dataset: DatasetId, split?: AccuracySplit): InstalledAccuracyTable {
  const accuracies = spaceBenchmarkData(getSpace(space).id).accuracies
  return accuracies ? accuracies.table(store, dataset, split) : { accuracies: new Map(), source: null }
}

/**
 * The benchmark tables' id of one of our arch ids: the module hash of an NB101 spec (isomorphic
 * specs share it), the arch string itself elsewhere. How scores join accuracies and proxies.
 */
export function benchmarkKey(space: SpaceId): (arch: string) => string {
  const definition = getSpace(space)
  return (arch) => definition.benchmarkKey(arch)
}

/**
 * Installed accuracies (percent) of `archs`, keyed by the given arch ids; archs the benchmark lacks
 * are simply absent. Throws BAD_ARGUMENT for a space without installed accuracies, BAD_FILE naming
 * the commands to run when nothing is installed for the space, dataset and split.
 */
export function installedAccuracies(
  store: BenchmarkStore,
  space: SpaceId,
  dataset: DatasetId,
  split: AccuracySplit | undefined,
  archs: Iterable<string>,
): { accuracies: Map<string, number>; source: AccuracySource } {
  const definition = getSpace(space)
  const source = spaceBenchmarkData(definition.id).accuracies
  if (!source) throw new EpsinasError('BAD_ARGUMENT', `no installed accuracies for the ${definition.id} space; pass --accuracies FILE`)
  return installedAccuraciesOf(definition, source, store, dataset, split, archs)
}
