import Database from 'better-sqlite3'
import { replaceSpaceRows, type BenchmarkStore } from '../../store/benchmarks.ts'
import { asFileError, badFile } from './errors.ts'
import { commitNb101Models, nb101Staging } from './nb101-models.ts'
import { NB101_OPS } from './nb101-tfrecord.ts'
import { throttledProgress, type ImportOptions, type ImportResult, type ProgressListener } from './progress.ts'
import { statSource } from './source-file.ts'
import { checkAborted, Staging } from './staging.ts'

/*
 * NNI's prebuilt benchmark databases (nasbench201-b2b60732.db, nasbench101-209f5694.db), written
 * by peewee from nni/nas/benchmark/<space>/schema.py: tables are the lower-cased model names, foreign
 * keys `<field>_id`, `arch` a JSON text column, accuracies in percent, parameters in millions.
 */

/** NNI's NB201 op names -> ours (nasbench201/constants.py). */
const NNI_NB201_OPS: Record<string, string> = {
  none: 'none',
  skip_connect: 'skip_connect',
  conv_1x1: 'nor_conv_1x1',
  conv_3x3: 'nor_conv_3x3',
  avg_pool_3x3: 'avg_pool_3x3',
}

/** NNI lower-cases the dataset names (db_gen: `dataset.lower()`). */
const NNI_DATASETS: Record<string, string> = {
  'cifar10-valid': 'cifar10-valid',
  cifar10: 'cifar10',
  cifar100: 'cifar100',
  'imagenet16-120': 'ImageNet16-120',
}

/**
 * Which NATS evaluation set each NNI accuracy column holds, per dataset (db_gen.py
 * `dataset_split`). For cifar10 all three columns are the one ori-test set, so one is kept.
 */
const NNI_COLUMNS: Record<string, Array<['valid_acc' | 'test_acc' | 'ori_test_acc', string]>> = {
  'cifar10-valid': [['valid_acc', 'x-valid'], ['ori_test_acc', 'ori-test']],
  cifar10: [['ori_test_acc', 'ori-test']],
  cifar100: [['valid_acc', 'x-valid'], ['test_acc', 'x-test'], ['ori_test_acc', 'ori-test']],
  'ImageNet16-120': [['valid_acc', 'x-valid'], ['test_acc', 'x-test'], ['ori_test_acc', 'ori-test']],
}

/** Our arch string for NNI's `{"0_1": op, "0_2": ..., "2_3": op}` (edges j <- i as "i_j"). */
export function nb201ArchFromNni(arch: unknown): string {
  if (typeof arch !== 'object' || arch === null) throw new Error('arch is not a JSON object')
  const record = arch as Record<string, unknown>
  const op = (edge: string): string => {
    const name = record[edge]
    const ours = typeof name === 'string' ? NNI_NB201_OPS[name] : undefined
    if (ours === undefined) throw new Error(`edge ${edge} has op ${JSON.stringify(name)}, not one of ${Object.keys(NNI_NB201_OPS).join(', ')}`)
    return ours
  }
  return `|${op('0_1')}~0|+|${op('0_2')}~0|${op('1_2')}~1|+|${op('0_3')}~0|${op('1_3')}~1|${op('2_3')}~2|`
}

/** NNI's NB101 `{"op1": ..., "input1": [0], ...}` with its vertex count -> our matrix string and ops. */
export function nb101SpecFromNni(arch: unknown, vertices: number): { matrix: string; ops: string[] } {
  if (typeof arch !== 'object' || arch === null) throw new Error('arch is not a JSON object')
  if (!Number.isInteger(vertices) || vertices < 2 || vertices > 7) throw new Error(`num_vertices ${vertices} is not 2..7`)
  const record = arch as Record<string, unknown>
  const ops = ['input']
  for (let i = 1; i < vertices - 1; i++) {
    const op = record[`op${i}`]
    if (typeof op !== 'string' || !NB101_OPS.includes(op)) throw new Error(`op${i} is ${JSON.stringify(op)}`)
    ops.push(op)
  }
  ops.push('output')
  const matrix = Array.from({ length: vertices * vertices }, () => '0')
  for (let i = 1; i < vertices; i++) {
    const inputs = record[`input${i}`]
    if (!Array.isArray(inputs) || inputs.some((k) => !Number.isInteger(k) || k < 0 || k >= i)) throw new Error(`input${i} is not a list of earlier vertices`)
    for (const k of inputs as number[]) matrix[k * vertices + i] = '1'
  }
  return { matrix: matrix.join(''), ops }
}

/** Opens an NNI database read-only, checking it has the tables and columns we read. */
function openNni(path: string, tables: Record<string, readonly string[]>): Database.Database {
  let db: Database.Database | undefined
  try {
    db = new Database(path, { readonly: true, fileMustExist: true })
    for (const [table, columns] of Object.entries(tables)) {
      const present = new Set(db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().map((c) => c.name))
      if (present.size === 0) throw badFile(path, '', `not an NNI benchmark database of this kind: table ${table} is missing`)
      const missing = columns.filter((c) => !present.has(c))
      if (missing.length > 0) throw badFile(path, `table ${table}`, `missing column(s) ${missing.join(', ')}`)
    }
    return db
  } catch (error) {
    db?.close()
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') throw badFile(path, '', 'not a SQLite database')
    if ((error as { code?: string }).code === 'SQLITE_CANTOPEN') throw badFile(path, '', 'no such file or cannot be opened')
    throw asFileError(path, error)
  }
}

function parseJson(text: unknown, where: () => string, path: string): unknown {
  try {
    return JSON.parse(String(text))
  } catch {
    throw badFile(path, where(), 'arch is not valid JSON')
  }
}

function finite(value: unknown, what: string, where: () => string, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badFile(path, where(), `${what} ${String(value)} is not a finite number`)
  return value
}

interface Nb201StatsRow {
  stats_id: number
  config_id: number
  arch: string
  num_epochs: number
  dataset: string
  valid_acc: number
  test_acc: number
  ori_test_acc: number
  parameters: number
  flops: number
  latency: number
}

/**
 * Imports NNI's NAS-Bench-201 database (nb201trialconfig + nb201trialstats) into the same tables
 * as the NATS importer: per arch, training set, evaluation set and budget, the mean / min / max of
 * the final accuracies over the seeds, plus params / FLOPs / latency (means over seeds). NNI keeps
 * no benchmark index, so space_archs.bench_index stays NULL. All or nothing.
 */
export async function importNb201FromNni(
  store: BenchmarkStore,
  path: string,
  onProgress?: ProgressListener,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const report = throttledProgress(onProgress)
  const totalBytes = (await statSource(path)).size
  const nni = openNni(path, {
    nb201trialconfig: ['id', 'arch', 'num_epochs', 'dataset'],
    nb201trialstats: ['id', 'config_id', 'valid_acc', 'test_acc', 'ori_test_acc', 'parameters', 'flops', 'latency'],
  })
  const staging = new Staging(
    store,
    (s) => `
      CREATE TABLE ${s}.runs (arch TEXT, dataset TEXT, split TEXT, epochs INTEGER, accuracy REAL);
      CREATE TABLE ${s}.costs (arch TEXT, dataset TEXT, epochs INTEGER, params REAL, flops REAL, latency REAL);
    `,
  )
  try {
    const s = staging.schema
    const runs = staging.writer(`INSERT INTO ${s}.runs VALUES (?, ?, ?, ?, ?)`, 5000)
    const costs = staging.writer(`INSERT INTO ${s}.costs VALUES (?, ?, ?, ?, ?, ?)`, 5000)
    let records = 0
    const archOf = new Map<number, string>()
    const rows = nni
      .prepare<[], Nb201StatsRow>(
        `SELECT t.id AS stats_id, c.id AS config_id, c.arch, c.num_epochs, c.dataset, t.valid_acc, t.test_acc, t.ori_test_acc, t.parameters, t.flops, t.latency
           FROM nb201trialstats t JOIN nb201trialconfig c ON c.id = t.config_id ORDER BY t.id`,
      )
      .iterate()
    for (const row of rows) {
      checkAborted(options.signal, path)
      const where = (): string => `table nb201trialstats, row id ${row.stats_id}`
      let arch = archOf.get(row.config_id)
      if (arch === undefined) {
        try {
          arch = nb201ArchFromNni(parseJson(row.arch, where, path))
        } catch (error) {
          throw asFileError(path, error, `table nb201trialconfig, row id ${row.config_id}`)
        }
        archOf.set(row.config_id, arch)
      }
      const dataset = NNI_DATASETS[row.dataset]
      if (dataset === undefined) throw badFile(path, `table nb201trialconfig, row id ${row.config_id}`, `unknown dataset ${JSON.stringify(row.dataset)}`)
      if (!Number.isInteger(row.num_epochs) || row.num_epochs <= 0) throw badFile(path, `table nb201trialconfig, row id ${row.config_id}`, `num_epochs ${row.num_epochs}`)
      for (const [column, split] of NNI_COLUMNS[dataset]) runs.add([arch, dataset, split, row.num_epochs, finite(row[column], column, where, path)])
      costs.add([arch, dataset, row.num_epochs, row.parameters, row.flops, row.latency])
      records++
      report({ phase: 'reading', bytesRead: 0, totalBytes, items: records })
    }
    runs.flush()
    costs.flush()
    if (records === 0) throw badFile(path, '', 'the database holds no NAS-Bench-201 trials')
    report({ phase: 'writing', bytesRead: totalBytes, totalBytes, items: records }, true)
    const items = staging.commit({ benchmark: 'nb201', format: 'nni-nb201-sqlite', source: path }, () => {
      replaceSpaceRows(store, 'nb201', {
        archs: `SELECT DISTINCT arch, NULL FROM ${s}.runs`,
        accuracies: `SELECT arch, dataset, split, epochs, avg(accuracy), min(accuracy), max(accuracy), count(*) FROM ${s}.runs GROUP BY arch, dataset, split, epochs`,
        // Costs do not depend on the budget: prefer the 200-epoch trials, as the NATS importer does.
        costs: `SELECT arch, dataset, avg(params), avg(flops), avg(CASE WHEN latency > 0 THEN latency END)
                  FROM ${s}.costs c
                 WHERE epochs = (SELECT max(epochs) FROM ${s}.costs d WHERE d.arch = c.arch AND d.dataset = c.dataset)
                 GROUP BY arch, dataset`,
      })
      return store.db.prepare<[], number>("SELECT count(*) FROM main.space_archs WHERE space = 'nb201'").pluck().get() ?? 0
    })
    return { benchmark: 'nb201', items, records }
  } finally {
    staging.close()
    nni.close()
  }
}

interface Nb101StatsRow {
  stats_id: number
  config_id: number
  arch: string
  num_vertices: number
  hash: string
  valid_acc: number
  test_acc: number
  parameters: number
}

/**
 * Imports NNI's NAS-Bench-101 database (nb101trialconfig + nb101trialstats) into nb101_models:
 * per hash (NNI stores the official hash) the 108-epoch test / validation accuracies' mean, min
 * and max over the runs, parameters (NNI's millions, back to a count) and the spec rebuilt from
 * NNI's arch JSON. position follows NNI's config ids, which it wrote in the official file order.
 */
export async function importNb101FromNni(
  store: BenchmarkStore,
  path: string,
  onProgress?: ProgressListener,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const report = throttledProgress(onProgress)
  const totalBytes = (await statSource(path)).size
  const nni = openNni(path, {
    nb101trialconfig: ['id', 'arch', 'num_vertices', 'hash', 'num_epochs'],
    nb101trialstats: ['id', 'config_id', 'valid_acc', 'test_acc', 'parameters'],
  })
  const staging = nb101Staging(store)
  try {
    const s = staging.schema
    const specs = staging.writer(`INSERT OR IGNORE INTO ${s}.specs VALUES (?, ?, ?, ?, ?)`)
    const runs = staging.writer(`INSERT INTO ${s}.runs VALUES (?, ?, ?)`)
    let records = 0
    const rows = nni
      .prepare<[], Nb101StatsRow>(
        `SELECT t.id AS stats_id, c.id AS config_id, c.arch, c.num_vertices, c.hash, t.valid_acc, t.test_acc, t.parameters
           FROM nb101trialstats t JOIN nb101trialconfig c ON c.id = t.config_id WHERE c.num_epochs = 108 ORDER BY c.id, t.id`,
      )
      .iterate()
    let lastConfig = -1
    for (const row of rows) {
      checkAborted(options.signal, path)
      const where = (): string => `table nb101trialstats, row id ${row.stats_id}`
      if (typeof row.hash !== 'string' || !/^[0-9a-f]{32}$/.test(row.hash)) throw badFile(path, `table nb101trialconfig, row id ${row.config_id}`, `hash ${JSON.stringify(row.hash)} is not 32 hex digits`)
      if (row.config_id !== lastConfig) {
        lastConfig = row.config_id
        let spec
        try {
          spec = nb101SpecFromNni(parseJson(row.arch, where, path), row.num_vertices)
        } catch (error) {
          throw asFileError(path, error, `table nb101trialconfig, row id ${row.config_id}`)
        }
        const params = Math.round(finite(row.parameters, 'parameters', where, path) * 1e6)
        specs.add([row.hash, row.config_id, spec.matrix, spec.ops.join(','), params])
      }
      runs.add([row.hash, finite(row.test_acc, 'test_acc', where, path), finite(row.valid_acc, 'valid_acc', where, path)])
      records++
      report({ phase: 'reading', bytesRead: 0, totalBytes, items: records })
    }
    specs.flush()
    runs.flush()
    if (records === 0) throw badFile(path, '', 'the database holds no 108-epoch NAS-Bench-101 trials')
    report({ phase: 'writing', bytesRead: totalBytes, totalBytes, items: records }, true)
    const items = commitNb101Models(store, staging, 'nni-nb101-sqlite', path, 1)
    return { benchmark: 'nb101', items, records }
  } finally {
    staging.close()
    nni.close()
  }
}
