import { basename } from 'node:path'
import type { BenchmarkStore } from '../../store/benchmarks.ts'
import { readZip } from '../archive/zip.ts'
import { asFileError, badFile } from './errors.ts'
import { canonicalJson, parseLenientJson } from './lenient-json.ts'
import { throttledProgress, type ImportOptions, type ImportResult, type ProgressListener } from './progress.ts'
import { folderFiles, statSource, type SourceFile } from './source-file.ts'
import { checkAborted, Staging } from './staging.ts'

/** Keys of a log that are results or run metadata; every other key is a hyper-parameter. */
const NOT_HYPER = new Set(['recepie', 'recepie_id', 'experiment_id', 'init_time', 'num_params', 'status', 'wall_times', 'train_losses', 'val_losses', 'test_losses'])

/** One training log, decoded. Losses are the last epoch's, null when NaN or absent. */
export interface NbNlpRun {
  dataset: string
  recepie: string
  recepieId: number | null
  experimentId: number | null
  status: string
  numParams: number | null
  epochsDone: number
  finalTrainLoss: number | null
  finalValLoss: number | null
  finalTestLoss: number | null
  hyper: string
}

/**
 * Decodes one log_stats_model_*.json of nas-bench-nlp-release (main_one_model_train.py). The
 * recepie is a JSON string inside the JSON; it is re-serialised with sorted keys so the same cell
 * written twice groups as one. Bare NaN tokens are accepted.
 */
export function parseNbNlpLog(text: string): NbNlpRun {
  let log: unknown
  try {
    log = parseLenientJson(text)
  } catch (error) {
    throw new Error(`not JSON (${(error as Error).message})`)
  }
  if (typeof log !== 'object' || log === null || Array.isArray(log)) throw new Error('not a JSON object')
  const record = log as Record<string, unknown>
  if (typeof record.recepie !== 'string') throw new Error('recepie is missing or not a string')
  let recepie: unknown
  try {
    recepie = JSON.parse(record.recepie)
  } catch {
    throw new Error('recepie is not valid JSON')
  }
  if (typeof recepie !== 'object' || recepie === null || Array.isArray(recepie)) throw new Error('recepie is not a JSON object')
  if (typeof record.data !== 'string') throw new Error('data (the dataset path) is missing')
  if (typeof record.status !== 'string') throw new Error('status is missing')
  const losses = (key: string): Array<number | null> => {
    const list = record[key]
    if (list === undefined) return []
    if (!Array.isArray(list) || list.some((x) => x !== null && typeof x !== 'number')) throw new Error(`${key} is not a list of numbers`)
    return list as Array<number | null>
  }
  const last = (list: Array<number | null>): number | null => {
    const value = list.at(-1)
    return value === undefined || value === null || !Number.isFinite(value) ? null : value
  }
  const tests = losses('test_losses')
  const hyper: Record<string, unknown> = {}
  for (const key of Object.keys(record).sort()) if (!NOT_HYPER.has(key)) hyper[key] = record[key]
  return {
    dataset: basename(record.data.replace(/\/+$/, '')),
    recepie: canonicalJson(recepie),
    recepieId: integerOrNull(record.recepie_id),
    experimentId: integerOrNull(record.experiment_id),
    status: record.status,
    numParams: integerOrNull(record.num_params),
    epochsDone: tests.length,
    finalTrainLoss: last(losses('train_losses')),
    finalValLoss: last(losses('val_losses')),
    finalTestLoss: last(tests),
    hyper: JSON.stringify(hyper),
  }
}

function integerOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null
}

/** Options of the NB-NLP importer. */
export interface NbNlpImportOptions extends ImportOptions {
  /** Name the logs are kept under (`nbnlp:<collection>`); default: the file name without `.zip`. */
  collection?: string
}

/**
 * Imports NAS-Bench-NLP training logs (a zip of log_stats_model_*.json, as released, or a folder
 * of them) into nbnlp_runs, and their per-recepie aggregates into nbnlp_models: runs are grouped
 * by recepie (not by recepie_id, which repeats cells), final test loss mean / min / max omit NaN
 * runs as epsinas's nanmean does. Replaces the collection's rows; all or nothing.
 */
export async function importNbNlpLogs(
  store: BenchmarkStore,
  path: string,
  onProgress?: ProgressListener,
  options: NbNlpImportOptions = {},
): Promise<ImportResult> {
  const report = throttledProgress(onProgress)
  const info = await statSource(path)
  const collection = options.collection ?? basename(path).replace(/\.zip$/i, '')
  const benchmark = `nbnlp:${collection}`
  const staging = new Staging(
    store,
    (s) => `CREATE TABLE ${s}.runs (file TEXT PRIMARY KEY, dataset TEXT, recepie TEXT, recepie_id INTEGER, experiment_id INTEGER, status TEXT,
             num_params INTEGER, epochs_done INTEGER, final_train_loss REAL, final_val_loss REAL, final_test_loss REAL, hyper TEXT);`,
  )
  try {
    const s = staging.schema
    const runs = staging.writer(`INSERT INTO ${s}.runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, 1000)
    const seen = new Set<string>()
    let records = 0
    try {
      for await (const file of info.isDirectory() ? folderFiles(path, isJsonName) : zipLogs(path)) {
        checkAborted(options.signal, path)
        if (seen.has(file.name)) throw badFile(path, file.where, 'the same file name twice')
        seen.add(file.name)
        let run: NbNlpRun
        try {
          run = parseNbNlpLog((await file.read()).toString('utf8'))
        } catch (error) {
          throw asFileError(path, error, file.where)
        }
        runs.add([file.name, run.dataset, run.recepie, run.recepieId, run.experimentId, run.status, run.numParams, run.epochsDone, run.finalTrainLoss, run.finalValLoss, run.finalTestLoss, run.hyper])
        records++
        report({ phase: 'reading', bytesRead: 0, totalBytes: null, items: records })
      }
    } catch (error) {
      throw asFileError(path, error)
    }
    runs.flush()
    if (records === 0) throw badFile(path, '', 'no training logs (*.json) found')
    report({ phase: 'writing', bytesRead: 0, totalBytes: null, items: records }, true)
    const items = staging.commit({ benchmark, format: 'nbnlp-logs', source: path }, () => {
      store.db.prepare('DELETE FROM main.nbnlp_runs WHERE collection = ?').run(collection)
      store.db.prepare('DELETE FROM main.nbnlp_models WHERE collection = ?').run(collection)
      store.db.prepare(`INSERT INTO main.nbnlp_runs SELECT ?, * FROM ${s}.runs`).run(collection)
      store.db
        .prepare(
          `INSERT INTO main.nbnlp_models
             SELECT ?, dataset, recepie, count(*), count(final_test_loss), max(num_params),
                    avg(final_test_loss), min(final_test_loss), max(final_test_loss), avg(final_val_loss)
               FROM ${s}.runs GROUP BY dataset, recepie`,
        )
        .run(collection)
      return records
    })
    return { benchmark, items, records }
  } finally {
    staging.close()
  }
}

async function* zipLogs(path: string): AsyncGenerator<SourceFile> {
  for await (const member of readZip(path, { maxEntryBytes: 64 * 1024 * 1024 })) {
    const where = `entry ${member.index} (${member.name})`
    if (member.type === 'symlink') throw badFile(path, where, 'a symbolic link; refusing the archive')
    if (member.type !== 'file' || !isJsonName(member.name)) continue
    // Zips made on macOS carry __MACOSX/._name resource forks that are not logs.
    if (member.name.startsWith('__MACOSX/')) continue
    yield { name: member.name, where, read: () => member.read() }
  }
}

function isJsonName(name: string): boolean {
  return name.toLowerCase().endsWith('.json')
}
