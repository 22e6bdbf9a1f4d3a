/**
 * The installed accuracy tables of each benchmark, read from the store: the pieces the spaces'
 * benchmark data (space-data/) is made of. Which space uses which is decided there, not here.
 */
import type { DatasetId, SpaceId } from '../../shared/types.ts'
import { benchmarkImport, nb101Accuracies, proxyScores, resolveNatsSplit, spaceAccuracies, type BenchmarkStore } from '../store/benchmarks.ts'
import type { NatsSearchSpace } from './nats-spaces.ts'

/** Which accuracy of the benchmark: epsinas's "test" (the default) or "valid" (benchmark-data.md). */
export type AccuracySplit = 'test' | 'valid'

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

/** Installed accuracies (percent) keyed by the benchmark's arch key (NB201 / natssss arch string, NB101 module hash). */
export interface InstalledAccuracyTable {
  accuracies: Map<string, number>
  /** null: nothing installed for the space, dataset and split. */
  source: AccuracySource | null
}

/** How a space's installed accuracies are read (SpaceBenchmarkData.accuracies). */
export interface SpaceAccuracies {
  /** Keyed by the space's benchmark key (SearchSpace.benchmarkKey). */
  table(store: BenchmarkStore, dataset: DatasetId, split: AccuracySplit | undefined): InstalledAccuracyTable
  /** Catalogue items that provide them, the first the one to suggest: 'nb201-nats-tss-simple (or ...)'. */
  items: string
}

/**
 * A NATS-Bench space's own trained accuracy (mean over seeds) from its archive (or NNI for
 * NAS-Bench-201), or nothing. Read at the space's full-training budget, the longest it has:
 * 200 epochs for NAS-Bench-201; 90 for the size space, which has no 200-epoch budget.
 */
export function natsTrainedAccuracies(store: BenchmarkStore, space: NatsSearchSpace, dataset: DatasetId, split: AccuracySplit): InstalledAccuracyTable {
  const trained = spaceAccuracies(store, space.space, dataset, split, { epochs: space.fullEpochs })
  if (trained.size === 0) return { accuracies: new Map(), source: null }
  const { trainSet, evalSet } = resolveNatsSplit(dataset, split)
  const what = `${space.resultsName} ${dataset} ${split} accuracy (trained on ${trainSet}, evaluated on ${evalSet}), mean over seeds`
  return { accuracies: trained, source: describe(store, space.space, split, space.fullEpochs, what) }
}

/** NAS-Bench-101's own trained accuracy (108 epochs, mean over runs; CIFAR-10 only), keyed by module hash, or nothing. */
export function nb101TrainedAccuracies(store: BenchmarkStore, dataset: DatasetId, split: AccuracySplit): InstalledAccuracyTable {
  if (dataset !== 'cifar10') return { accuracies: new Map(), source: null }
  const trained = nb101Accuracies(store, split)
  if (trained.size === 0) return { accuracies: new Map(), source: null }
  return { accuracies: trained, source: describe(store, 'nb101', split, 108, `NAS-Bench-101 cifar10 ${split} accuracy, mean over runs`) }
}

/**
 * NAS-Bench-Suite-Zero's val_accuracy of a space (imported as `suite-zero:<space>`), a validation
 * accuracy of `epochs` epochs; `how` says how one value per arch came about.
 */
export function suiteZeroAccuracies(store: BenchmarkStore, space: SpaceId, dataset: DatasetId, epochs: number, how: string): InstalledAccuracyTable {
  const accuracies = new Map<string, number>()
  for (const [arch, value] of proxyScores(store, space, dataset, SUITE_ZERO_ACCURACY)) if (value !== null && Number.isFinite(value)) accuracies.set(arch, value)
  if (accuracies.size === 0) return { accuracies, source: null }
  return { accuracies, source: describe(store, `suite-zero:${space}`, 'valid', epochs, `NAS-Bench-Suite-Zero ${dataset} val_accuracy (${how})`) }
}

/**
 * The benchmark's own trained accuracy when installed, else Suite-Zero's val_accuracy, which is a
 * validation accuracy and so only stands in when `split` is 'valid' or left open (undefined: test
 * preferred, any installed split accepted).
 */
export function trainedElseSuiteZero(
  trained: (split: AccuracySplit) => InstalledAccuracyTable,
  suiteZero: () => InstalledAccuracyTable,
  split: AccuracySplit | undefined,
): InstalledAccuracyTable {
  const table = trained(split ?? 'test')
  if (table.source !== null) return table
  if (split !== 'test') {
    const validation = suiteZero()
    if (validation.source !== null) return validation
  }
  return { accuracies: new Map(), source: null }
}

/** "item zc-nasbench201 (suite-zero:nb201): ..., validation split, 200 epochs". */
function describe(store: BenchmarkStore, benchmark: string, split: AccuracySplit, epochs: number, what: string): AccuracySource {
  const record = benchmarkImport(store, benchmark)
  const from = record?.item ? `item ${record.item} (${benchmark})` : `${benchmark}${record ? ` (imported from ${record.source})` : ''}`
  const splitName = split === 'test' ? 'test' : 'validation'
  return { benchmark, item: record?.item ?? null, split, epochs, description: `${from}: ${what}, ${splitName} split, ${epochs} epochs` }
}
