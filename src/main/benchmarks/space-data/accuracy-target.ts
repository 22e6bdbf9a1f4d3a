/** Installed accuracies of given archs, through a space's benchmark key: shared by `stats`, sweeps and the Compare page. */
import type { DatasetId } from '../../../shared/types.ts'
import { EpsinasError } from '../../../shared/errors.ts'
import type { SearchSpace } from '../../core/spaces/registry.ts'
import type { BenchmarkStore } from '../../store/benchmarks.ts'
import type { AccuracySource, AccuracySplit, SpaceAccuracies } from '../accuracy-tables.ts'
import type { StatsTarget } from './index.ts'

/**
 * Installed accuracies (percent) of `archs`, keyed by the given arch ids (looked up by the space's
 * benchmark key: NB101 specs through their module hash); archs the benchmark lacks are simply
 * absent. `split` undefined takes what is installed. Throws BAD_ARGUMENT for a dataset the space is
 * not defined on, and BAD_FILE naming the commands to run when nothing is installed.
 */
export function installedAccuraciesOf(
  space: SearchSpace,
  source: SpaceAccuracies,
  store: BenchmarkStore,
  dataset: DatasetId,
  split: AccuracySplit | undefined,
  archs: Iterable<string>,
): { accuracies: Map<string, number>; source: AccuracySource } {
  if (!space.datasets.includes(dataset)) throw new EpsinasError('BAD_ARGUMENT', `${space.title} has accuracies for ${space.datasets.join(', ')} only, not ${dataset}`)
  const table = source.table(store, dataset, split)
  if (table.source === null) {
    const first = source.items.split(' ')[0]
    // Suite-Zero's validation accuracies are installed but a test split was asked for.
    const validOnly = split === 'test' && source.table(store, dataset, 'valid').source !== null
    const hint = validOnly ? 'pass --split valid for the installed NAS-Bench-Suite-Zero validation accuracies, or ' : ''
    throw new EpsinasError(
      'BAD_FILE',
      `no ${space.id} ${dataset}${split ? ` ${split}` : ''} accuracies are installed in ${store.path}: ${hint}run epsinas data download ${first} then epsinas data convert ${first} ` +
        `(items: ${source.items}), or pass --accuracies FILE`,
    )
  }
  const found = new Map<string, number>()
  for (const arch of archs) {
    const value = table.accuracies.get(space.benchmarkKey(arch))
    if (value !== undefined) found.set(arch, value)
  }
  return { accuracies: found, source: table.source }
}

/** The stats target of a space whose installed values are accuracies (higher is better), on the space's datasets. */
export function accuracyStatsTarget(space: SearchSpace, source: SpaceAccuracies): StatsTarget {
  return {
    datasets: space.datasets,
    lowerIsBetter: false,
    values(store, dataset, split, archs) {
      const { accuracies, source: from } = installedAccuraciesOf(space, source, store, dataset as DatasetId, split, archs)
      return { values: accuracies, note: `accuracies: ${from.description}` }
    },
  }
}
