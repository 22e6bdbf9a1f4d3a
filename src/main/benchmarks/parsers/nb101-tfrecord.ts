import type { BenchmarkStore } from '../../store/benchmarks.ts'
import { asFileError, badFile } from './errors.ts'
import { decodeModelMetrics, ProtoError } from './nb101-metrics.ts'
import { commitNb101Models, nb101Staging } from './nb101-models.ts'
import { throttledProgress, type ImportOptions, type ImportResult, type ProgressListener } from './progress.ts'
import { statSource } from './source-file.ts'
import { checkAborted, Staging } from './staging.ts'
import { readTfRecords, TfRecordError } from './tfrecord.ts'

/** Inner vertex labels of NB101 (nasbench lib/config.py available_ops). */
export const NB101_OPS: readonly string[] = ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3']

/** The epoch budget whose runs give the benchmark's accuracies. */
const FINAL_EPOCHS = 108

/** One decoded row of the file. */
export interface Nb101Record {
  hash: string
  epochs: number
  /** Row-major '0'/'1' string, dim * dim. */
  matrix: string
  ops: string[]
  params: number
  /** Final (third) evaluation point, as fractions 0..1. */
  testAccuracy: number
  validationAccuracy: number
}

/**
 * Decodes one payload: a JSON array [module_hash, epochs, raw_adjacency, raw_operations,
 * base64 ModelMetrics] (nasbench/api.py). Throws a message saying which part is wrong.
 */
export function parseNb101Record(data: Buffer): Nb101Record {
  let row: unknown
  try {
    row = JSON.parse(data.toString('utf8'))
  } catch (error) {
    throw new Error(`not JSON (${(error as Error).message})`)
  }
  if (!Array.isArray(row) || row.length !== 5) throw new Error('expected a JSON array [hash, epochs, adjacency, operations, metrics]')
  const [hash, epochs, matrix, rawOps, rawMetrics] = row as unknown[]
  if (typeof hash !== 'string' || !/^[0-9a-f]{32}$/.test(hash)) throw new Error(`module hash ${JSON.stringify(hash)} is not 32 hex digits`)
  if (typeof epochs !== 'number' || !Number.isInteger(epochs) || epochs <= 0) throw new Error(`epochs ${JSON.stringify(epochs)} is not a positive integer`)
  if (typeof matrix !== 'string' || !/^[01]+$/.test(matrix)) throw new Error('adjacency is not a string of 0s and 1s')
  const dim = Math.round(Math.sqrt(matrix.length))
  if (dim * dim !== matrix.length || dim < 2 || dim > 7) throw new Error(`adjacency of length ${matrix.length} is not a 2x2 to 7x7 matrix`)
  if (typeof rawOps !== 'string') throw new Error('operations is not a string')
  const ops = rawOps.split(',')
  if (ops.length !== dim) throw new Error(`${ops.length} operations for a ${dim}x${dim} adjacency`)
  if (ops[0] !== 'input' || ops[dim - 1] !== 'output' || ops.slice(1, -1).some((op) => !NB101_OPS.includes(op))) {
    throw new Error(`operations ${JSON.stringify(rawOps)} are not input, ${NB101_OPS.join('/')}..., output`)
  }
  if (typeof rawMetrics !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(rawMetrics) || rawMetrics.length % 4 !== 0) {
    throw new Error('metrics is not base64')
  }
  let metrics
  try {
    metrics = decodeModelMetrics(Buffer.from(rawMetrics, 'base64'))
  } catch (error) {
    if (error instanceof ProtoError) throw new Error(`metrics: ${error.message}`)
    throw error
  }
  // evaluation_data[2] is the end of training (api.py: [0] init, [1] halfway, [2] final).
  const final = metrics.evaluations[2]
  if (final === undefined) throw new Error(`metrics hold ${metrics.evaluations.length} evaluation points, expected 3`)
  return {
    hash,
    epochs,
    matrix,
    ops,
    params: metrics.trainableParameters,
    testAccuracy: final.testAccuracy,
    validationAccuracy: final.validationAccuracy,
  }
}

/**
 * Imports nasbench_only108.tfrecord (or nasbench_full.tfrecord) into nb101_models: per module
 * hash (read from the file) its adjacency, ops, trainable parameters and the mean / min / max of
 * the final test and validation accuracy over its 108-epoch runs, in percent. `position` keeps the
 * order of first appearance, which is the index epsinas's NB101 lists use. All or nothing.
 */
export async function importNb101FromTfRecord(
  store: BenchmarkStore,
  path: string,
  onProgress?: ProgressListener,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const report = throttledProgress(onProgress)
  const totalBytes = (await statSource(path)).size
  const staging = nb101Staging(store)
  try {
    // The first record of a hash defines its spec, as in the official API's fixed_statistics.
    const specs = staging.writer(`INSERT OR IGNORE INTO ${staging.schema}.specs VALUES (?, ?, ?, ?, ?)`)
    const runs = staging.writer(`INSERT INTO ${staging.schema}.runs VALUES (?, ?, ?)`)
    let records = 0
    let bytesRead = 0
    try {
      for await (const record of readTfRecords(path, { onBytes: (position) => (bytesRead = position) })) {
        checkAborted(options.signal, path)
        let row: Nb101Record
        try {
          row = parseNb101Record(record.data)
        } catch (error) {
          throw badFile(path, `record ${record.index} at byte ${record.offset}`, (error as Error).message)
        }
        specs.add([row.hash, record.index, row.matrix, row.ops.join(','), row.params])
        if (row.epochs === FINAL_EPOCHS) runs.add([row.hash, row.testAccuracy, row.validationAccuracy])
        records++
        report({ phase: 'reading', bytesRead, totalBytes, items: records })
      }
    } catch (error) {
      if (error instanceof TfRecordError) throw badFile(path, '', error.message)
      throw asFileError(path, error)
    }
    specs.flush()
    runs.flush()
    if (records === 0) throw badFile(path, '', 'the file holds no records')
    report({ phase: 'writing', bytesRead, totalBytes, items: records }, true)
    const items = commitNb101Models(store, staging, 'nb101-tfrecord', path, 100)
    return { benchmark: 'nb101', items, records }
  } finally {
    staging.close()
  }
}
