import { EpsinasError } from '../../shared/errors.ts'
import type { DatasetId, SpaceId } from '../../shared/types.ts'
import { nb101Hash } from '../core/spaces/nb101/index.ts'
import { benchmarkImport, nb101Accuracies, nb201Accuracies, proxyScores, resolveNb201Split, type BenchmarkStore } from '../store/benchmarks.ts'

/** Which accuracy of the benchmark: epsinas's "test" (the default) or "valid" (benchmark-data.md). */
export type AccuracySplit = 'test' | 'valid'

/** The catalogue items that provide each space's accuracies, for the hint when none are installed. */
const SOURCES: Record<string, string> = { nb201: 'nb201-nats-tss-simple (or nb201-nni-db, or zc-nasbench201 for validation accuracy)', nb101: 'nb101-only108 (or nb101-nni-db, or zc-nasbench101 for validation accuracy)' }

/** The proxy name under which Suite-Zero's accuracies are imported (not a proxy to compare). */
export const SUITE_ZERO_ACCURACY = 'val_accuracy'

/** Which installed accuracies a table holds: what `stats` and the Compare page name as their target. */
export interface AccuracySource {
  /** Benchmark tables read ('nb201', 'nb101', 'suite-zero:nb201'...). */
  benchmark: string
  /** The catalogue item they were converted from, null when imported directly. */
  item: string | null
  split: AccuracySplit
  /** Training epochs behind the accuracy. */
  epochs: number
  /** One line naming all of the above. */
  description: string
}

/** Installed accuracies (percent) keyed by our arch id (NB201 arch string, NB101 module hash). */
export interface InstalledAccuracyTable {
  accuracies: Map<string, number>
  /** null: nothing installed for the space, dataset and split. */
  source: AccuracySource | null
}

/**
 * The installed accuracies of a space and dataset, the one lookup `stats` and the Compare page
 * share: the benchmark's own trained accuracy (NB201 200 epochs, NB101 108 epochs, mean over
 * seeds / runs) when NATS, NNI or the NB101 TFRecord is converted, else NAS-Bench-Suite-Zero's
 * val_accuracy, which is a validation accuracy and so only stands in when `split` is 'valid' or
 * left open (undefined: test preferred, any installed split accepted).
 */
export function installedAccuracyTable(store: BenchmarkStore, space: SpaceId, dataset: DatasetId, split?: AccuracySplit): InstalledAccuracyTable {
  const trainedSplit = split ?? 'test'
  if (space === 'nb201') {
    const trained = nb201Accuracies(store, dataset, trainedSplit)
    if (trained.size > 0) {
      const { trainSet, evalSet } = resolveNb201Split(dataset, trainedSplit)
      return { accuracies: trained, source: describe(store, 'nb201', trainedSplit, 200, `NAS-Bench-201 ${dataset} ${trainedSplit} accuracy (trained on ${trainSet}, evaluated on ${evalSet}), mean over seeds`) }
    }
  }
  if (space === 'nb101' && dataset === 'cifar10') {
    const trained = nb101Accuracies(store, trainedSplit)
    if (trained.size > 0) return { accuracies: trained, source: describe(store, 'nb101', trainedSplit, 108, `NAS-Bench-101 cifar10 ${trainedSplit} accuracy, mean over runs`) }
  }
  if ((space === 'nb201' || space === 'nb101') && split !== 'test') {
    const accuracies = new Map<string, number>()
    for (const [arch, value] of proxyScores(store, space, dataset, SUITE_ZERO_ACCURACY)) if (value !== null && Number.isFinite(value)) accuracies.set(arch, value)
    if (accuracies.size > 0) {
      // Suite-Zero NB101: each key's val_accuracy is one sampled 108-epoch run; the import averages a module's keys.
      const how = space === 'nb101' ? 'mean over the isomorphic specs of each module hash' : 'final epoch'
      return { accuracies, source: describe(store, `suite-zero:${space}`, 'valid', space === 'nb101' ? 108 : 200, `NAS-Bench-Suite-Zero ${dataset} val_accuracy (${how})`) }
    }
  }
  return { accuracies: new Map(), source: null }
}

/**
 * The benchmark tables' id of one of our arch ids: the module hash of an NB101 spec (isomorphic
 * specs share it), the arch string itself elsewhere. How scores join accuracies and proxies.
 */
export function benchmarkKey(space: SpaceId): (arch: string) => string {
  return space === 'nb101' ? (arch) => nb101Hash(arch) : (arch) => arch
}

/** "item zc-nasbench201 (suite-zero:nb201): ..., validation split, 200 epochs". */
function describe(store: BenchmarkStore, benchmark: string, split: AccuracySplit, epochs: number, what: string): AccuracySource {
  const record = benchmarkImport(store, benchmark)
  const from = record?.item ? `item ${record.item} (${benchmark})` : `${benchmark}${record ? ` (imported from ${record.source})` : ''}`
  const splitName = split === 'test' ? 'test' : 'validation'
  return { benchmark, item: record?.item ?? null, split, epochs, description: `${from}: ${what}, ${splitName} split, ${epochs} epochs` }
}

/**
 * Installed accuracies (percent) of `archs`, keyed by the given arch ids: NB201 arch strings
 * directly, NB101 specs through their module hash; archs the benchmark lacks are simply absent.
 * `split` undefined takes what is installed (see installedAccuracyTable). Throws BAD_FILE naming
 * the commands to run when nothing is installed for the space, dataset and split.
 */
export function installedAccuracies(
  store: BenchmarkStore,
  space: SpaceId,
  dataset: DatasetId,
  split: AccuracySplit | undefined,
  archs: Iterable<string>,
): { accuracies: Map<string, number>; source: AccuracySource } {
  if (space === 'nb101' && dataset !== 'cifar10') throw new EpsinasError('BAD_ARGUMENT', `NAS-Bench-101 has accuracies for cifar10 only, not ${dataset}`)
  if (space !== 'nb201' && space !== 'nb101') throw new EpsinasError('BAD_ARGUMENT', `no installed accuracies for the ${String(space)} space; pass --accuracies FILE`)
  const table = installedAccuracyTable(store, space, dataset, split)
  if (table.source === null) {
    const source = SOURCES[space]
    const first = source.split(' ')[0]
    // Suite-Zero's validation accuracies are installed but a test split was asked for.
    const validOnly = split === 'test' && installedAccuracyTable(store, space, dataset, 'valid').source !== null
    const hint = validOnly ? 'pass --split valid for the installed NAS-Bench-Suite-Zero validation accuracies, or ' : ''
    throw new EpsinasError(
      'BAD_FILE',
      `no ${space} ${dataset}${split ? ` ${split}` : ''} accuracies are installed in ${store.path}: ${hint}run epsinas data download ${first} then epsinas data convert ${first} ` +
        `(items: ${source}), or pass --accuracies FILE`,
    )
  }
  const key = benchmarkKey(space)
  const found = new Map<string, number>()
  for (const arch of archs) {
    const value = table.accuracies.get(key(arch))
    if (value !== undefined) found.set(arch, value)
  }
  return { accuracies: found, source: table.source }
}
