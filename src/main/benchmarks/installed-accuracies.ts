import { EpsinasError } from '../../shared/errors.ts'
import type { DatasetId, SpaceId } from '../../shared/types.ts'
import { nb101Hash } from '../core/spaces/nb101/index.ts'
import { nb101Accuracies, nb201Accuracies, type BenchmarkStore } from '../store/benchmarks.ts'

/** Which accuracy of the benchmark: epsinas's "test" (the default) or "valid" (benchmark-data.md). */
export type AccuracySplit = 'test' | 'valid'

/** The catalogue items that provide each space's accuracies, for the hint when none are installed. */
const SOURCES: Record<string, string> = { nb201: 'nb201-nats-tss-simple (or nb201-nni-db)', nb101: 'nb101-only108 (or nb101-nni-db)' }

/**
 * Installed accuracies (percent, mean over the benchmark's runs) of `archs`, keyed by the given
 * arch ids: NB201 arch strings directly, NB101 specs through their module hash. Archs the
 * benchmark lacks are simply absent. Throws BAD_FILE naming the commands to run when nothing is
 * installed for the space and dataset.
 */
export function installedAccuracies(store: BenchmarkStore, space: SpaceId, dataset: DatasetId, split: AccuracySplit, archs: Iterable<string>): Map<string, number> {
  let table: Map<string, number>
  let key: (arch: string) => string
  switch (space) {
    case 'nb201':
      table = nb201Accuracies(store, dataset, split)
      key = (arch) => arch
      break
    case 'nb101':
      if (dataset !== 'cifar10') throw new EpsinasError('BAD_ARGUMENT', `NAS-Bench-101 has accuracies for cifar10 only, not ${dataset}`)
      table = nb101Accuracies(store, split)
      key = nb101Hash
      break
    default:
      throw new EpsinasError('BAD_ARGUMENT', `no installed accuracies for the ${String(space)} space; pass --accuracies FILE`)
  }
  if (table.size === 0) {
    const source = SOURCES[space]
    throw new EpsinasError(
      'BAD_FILE',
      `no ${space} ${dataset} accuracies are installed in ${store.path}: run epsinas data download ${source.split(' ')[0]} then epsinas data convert ${source.split(' ')[0]} ` +
        `(items: ${source}), or pass --accuracies FILE`,
    )
  }
  const found = new Map<string, number>()
  for (const arch of archs) {
    const value = table.get(key(arch))
    if (value !== undefined) found.set(arch, value)
  }
  return found
}
