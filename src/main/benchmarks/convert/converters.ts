import { nb101Hash } from '../../core/spaces/nb101/index.ts'
import type { Nb101Label } from '../../core/spaces/nb101/spec.ts'
import type { BenchmarkStore } from '../../store/benchmarks.ts'
import type { CatalogueItem, ConverterId } from '../catalogue.ts'
import { importNb101FromTfRecord } from '../parsers/nb101-tfrecord.ts'
import { importNb201FromNats } from '../parsers/nats.ts'
import { importNb101FromNni, importNb201FromNni } from '../parsers/nni.ts'
import { importNbNlpLogs } from '../parsers/nbnlp.ts'
import { importSuiteZero } from '../parsers/suite-zero.ts'
import type { ImportOptions, ImportResult, ProgressListener } from '../parsers/progress.ts'

/** Runs one parser over one installed file into the store; all or nothing (each importer stages first). */
export type Converter = (store: BenchmarkStore, path: string, item: CatalogueItem, onProgress: ProgressListener | undefined, options: ImportOptions) => Promise<ImportResult>

/** A row-major '0'/'1' string of n*n as the matrix rows nb101Hash takes. */
function matrixRows(matrix: string): number[][] {
  const n = Math.round(Math.sqrt(matrix.length))
  return Array.from({ length: n }, (_, i) => Array.from(matrix.slice(i * n, (i + 1) * n), Number))
}

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
  'nb201-nni': (store, path, _item, onProgress, options) => importNb201FromNni(store, path, onProgress, options),
  // The item id names the collection, so single-run, multi-run and WikiText-2 logs stay apart.
  'nbnlp-logs': (store, path, item, onProgress, options) => importNbNlpLogs(store, path, onProgress, { ...options, collection: item.id }),
  'suite-zero': (store, path, _item, onProgress, options) => importSuiteZero(store, path, onProgress, { ...options, nb101Hash: suiteZeroHash }),
}
