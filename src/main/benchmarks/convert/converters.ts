import { nb101Hash } from '../../core/spaces/nb101/index.ts'
import type { Nb101Label } from '../../core/spaces/nb101/spec.ts'
import type { BenchmarkStore } from '../../store/benchmarks.ts'
import type { CatalogueItem, ConverterId } from '../catalogue.ts'
import { importNb101FromTfRecord } from '../parsers/nb101-tfrecord.ts'
import { importNatsSssFromNats, importNb201FromNats } from '../parsers/nats.ts'
import { importNb101FromNni, importNb201FromNni } from '../parsers/nni.ts'
import { importNbNlpLogs } from '../parsers/nbnlp.ts'
import { importSuiteZero } from '../parsers/suite-zero.ts'
import { matrixRows } from '../parsers/suite-zero-keys.ts'
import type { ImportOptions, ImportResult, ProgressListener } from '../parsers/progress.ts'

/** Runs one parser over one installed file into the store; all or nothing (each importer stages first). */
export type Converter = (store: BenchmarkStore, path: string, item: CatalogueItem, onProgress: ProgressListener | undefined, options: ImportOptions) => Promise<ImportResult>

/** Our module hash of a Suite-Zero spec; a bad spec becomes a plain Error so the importer names its place in the file. */
function suiteZeroHash(matrix: string, ops: readonly string[]): string {
  try {
    return nb101Hash({ matrix: matrixRows(matrix), ops: ops as readonly Nb101Label[] })
  } catch (error) {
    throw new Error((error as Error).message)
  }
}

/**
 * The parser behind each catalogue `conversion.parser`. Suite-Zero NB101 keys are hashed with our
 * port of the official module hash, so they do not need NAS-Bench-101 to be converted first.
 */
export const CONVERTERS: Readonly<Record<ConverterId, Converter>> = {
  'nb101-tfrecord': (store, path, _item, onProgress, options) => importNb101FromTfRecord(store, path, onProgress, options),
  'nb101-nni': (store, path, _item, onProgress, options) => importNb101FromNni(store, path, onProgress, options),
  'nb201-nats': (store, path, _item, onProgress, options) => importNb201FromNats(store, path, onProgress, options),
  'natssss-nats': (store, path, _item, onProgress, options) => importNatsSssFromNats(store, path, onProgress, options),
  'nb201-nni': (store, path, _item, onProgress, options) => importNb201FromNni(store, path, onProgress, options),
  // The item id names the collection, so single-run, multi-run and WikiText-2 logs stay apart.
  'nbnlp-logs': (store, path, item, onProgress, options) => importNbNlpLogs(store, path, onProgress, { ...options, collection: item.id }),
  'suite-zero': (store, path, _item, onProgress, options) => importSuiteZero(store, path, onProgress, { ...options, nb101Hash: suiteZeroHash }),
}

/**
 * What each parser makes of its file beyond the catalogue's `conversion.into`, for `epsinas data
 * info`: how rows are keyed and aggregated, where the source is not one row per architecture.
 */
export const CONVERSION_NOTES: Readonly<Record<ConverterId, string | null>> = {
  'nb101-tfrecord': 'one row per module hash: test and validation accuracy at 108 epochs, mean, min and max over the runs',
  'nb101-nni': 'one row per module hash: test and validation accuracy at 108 epochs, mean, min and max over the runs',
  'nb201-nats': 'one row per arch, training set, evaluation set and epoch budget (12, 200): final-epoch accuracy, mean, min and max over the seeds',
  'natssss-nats':
    'one row per arch, training set, evaluation set and epoch budget (1, 12, 90; 90 is read by default, the size space has no 200): final-epoch accuracy, mean, min and max over the seeds',
  'nb201-nni': 'one row per arch, training set, evaluation set and epoch budget: final-epoch accuracy, mean, min and max over the seeds',
  'nbnlp-logs': 'runs grouped by recepie (one recepie can appear under several ids): final test and validation loss, NaN-omitting mean, min and max',
  'suite-zero':
    "NB101 keys are specs, and isomorphic specs of one module are separate keys (each val_accuracy is one sampled run of the benchmark's three): " +
    'each proxy and val_accuracy is aggregated per module hash: the mean over its keys, with min/max and the key count (NaN left out of the mean); ' +
    "every key's spec is kept with its hash (NB201 keys map one to one to arch strings)",
}
