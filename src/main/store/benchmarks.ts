import { sep } from 'node:path'
import Database from 'better-sqlite3'
import { EpsinasError } from '../../shared/errors.ts'
import type { DatasetId } from '../../shared/types.ts'
import { openCacheFile } from './sqlite.ts'

/**
 * Benchmark tables of the cache file (migration 3): what the importers in
 * src/main/benchmarks/parsers write and what `stats` reads. Wraps a better-sqlite3 connection;
 * it can share the score store's connection or open its own (WAL lets both coexist).
 */
export class BenchmarkStore {
  constructor(
    /** File the tables live in. */
    readonly path: string,
    /** The connection; importers stage into an attached temporary database through it. */
    readonly db: Database.Database,
  ) {}

  /** Runs `fn`, turning SQLite failures into STORE_FAILED naming the file; typed errors pass through. */
  guard<T>(doing: string, fn: () => T): T {
    try {
      return fn()
    } catch (error) {
      if (error instanceof EpsinasError) throw error
      const reason = error instanceof Error ? error.message : String(error)
      throw new EpsinasError('STORE_FAILED', `Cannot ${doing} the benchmark tables of ${this.path}: ${reason}`)
    }
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}

/** Opens (creating when missing) the cache file at `path` with its own connection, migrated to the latest schema; `readOnly`: see openCacheFile. */
export function openBenchmarkStore(path: string, options: { readOnly?: boolean } = {}): BenchmarkStore {
  return openCacheFile(path, 'the benchmark tables', { foreignKeys: false, readOnly: options.readOnly }, (fullPath, db) => new BenchmarkStore(fullPath, db))
}

/** One finished import. */
export interface BenchmarkImport {
  benchmark: string
  format: string
  source: string
  items: number
  importedAt: string
  /** The catalogue item `epsinas data convert` converted, null for a direct import. */
  item: string | null
  /** Why the rows no longer match their item's files (queries refuse them), null when current. */
  stale: string | null
}

interface BenchmarkImportRow {
  benchmark: string
  format: string
  source: string
  items: number
  imported_at: string
  item: string | null
  stale: string | null
}

function toBenchmarkImport(r: BenchmarkImportRow): BenchmarkImport {
  return { benchmark: r.benchmark, format: r.format, source: r.source, items: r.items, importedAt: r.imported_at, item: r.item, stale: r.stale }
}

/** Every benchmark imported into the file, by name. */
export function listBenchmarkImports(store: BenchmarkStore): BenchmarkImport[] {
  const rows = store.guard('read', () => store.db.prepare<[], BenchmarkImportRow>('SELECT * FROM benchmark_imports ORDER BY benchmark').all())
  return rows.map(toBenchmarkImport)
}

/** The import record of one benchmark ('nb201', 'suite-zero:nb101'...), or null when never imported. */
export function benchmarkImport(store: BenchmarkStore, benchmark: string): BenchmarkImport | null {
  const row = store.guard('read', () => store.db.prepare<[string], BenchmarkImportRow>('SELECT * FROM benchmark_imports WHERE benchmark = ?').get(benchmark))
  return row === undefined ? null : toBenchmarkImport(row)
}

/**
 * Refuses to read a benchmark whose rows are marked stale: they come from files its item no longer
 * has (a conversion of newer files did not finish), so the status says needs-conversion and the
 * rows must not be used as if current. Every query below goes through it.
 */
function requireCurrent(store: BenchmarkStore, benchmark: string): void {
  const stale = store.guard('read', () => store.db.prepare<[string], string | null>('SELECT stale FROM benchmark_imports WHERE benchmark = ?').pluck().get(benchmark))
  if (typeof stale === 'string') throw new EpsinasError('BAD_FILE', `the ${benchmark} tables of ${store.path} are out of date: ${stale}`)
}

/**
 * Marks the benchmarks imported from anything inside `folders` (an item's folder, as the paths
 * were written) stale with `reason`, or clears the mark (null: the item's files are again the ones
 * converted). Conversions mark them before replacing the rows, so one that fails or is killed
 * leaves them refused, never silently old; a successful import of the benchmark clears the mark.
 * Returns how many rows it changed.
 */
export function setImportsStale(store: BenchmarkStore, folders: readonly string[], reason: string | null): number {
  return store.guard('mark stale', () => {
    // A prefix compare, not LIKE: paths may hold % and _.
    const mark = store.db.prepare('UPDATE benchmark_imports SET stale = ? WHERE source = ? OR substr(source, 1, length(?) + 1) = ? || ?')
    return store.db.transaction(() => [...new Set(folders)].reduce((count, folder) => count + mark.run(reason, folder, folder, folder, sep).changes, 0))()
  })
}

/** Records which catalogue item a benchmark's rows were converted from. */
export function recordImportItem(store: BenchmarkStore, benchmark: string, item: string): void {
  store.guard('write', () => store.db.prepare('UPDATE benchmark_imports SET item = ? WHERE benchmark = ?').run(item, benchmark))
}

// ---------------------------------------------------------------------------------------------
// NATS-Bench spaces (NAS-Bench-201 = topology, natssss = size): the space_* tables, one space's rows at a time

/** Training sets of NATS-Bench (both spaces) as it names them; cifar10-valid trains on 25k CIFAR-10 images. */
export type NatsTrainSet = 'cifar10-valid' | 'cifar10' | 'cifar100' | 'ImageNet16-120'

/** Evaluation sets: x-valid / x-test are the halves of a held-out set, ori-test the whole original test set. */
export type NatsEvalSet = 'x-valid' | 'x-test' | 'ori-test'

/** `test` / `valid` as epsinas reads them (benchmark-data.md section 2), or an explicit pair. */
export type NatsSplit = 'test' | 'valid' | NatsEvalSet

/**
 * Which (training set, evaluation set) pair a dataset's "test" or "valid" accuracy is, as
 * epsinas defines them: cifar10 test = cifar10 / ori-test (the 10k test set after training on
 * all 50k), cifar10 valid = cifar10-valid / x-valid; cifar100 and ImageNet16-120 use their own
 * x-test / x-valid halves (also the official API's "test"). An explicit evaluation set is
 * taken on `dataset` as given. The same for both NATS-Bench spaces (their APIs share get_more_info's sets).
 */
export function resolveNatsSplit(dataset: DatasetId | 'cifar10-valid', split: NatsSplit): { trainSet: NatsTrainSet; evalSet: NatsEvalSet } {
  if (dataset !== 'cifar10-valid' && dataset !== 'cifar10' && dataset !== 'cifar100' && dataset !== 'ImageNet16-120') {
    throw new EpsinasError('BAD_ARGUMENT', `NATS-Bench has no ${dataset} results (its datasets are cifar10, cifar100, ImageNet16-120)`)
  }
  if (split !== 'test' && split !== 'valid') return { trainSet: dataset, evalSet: split }
  if (dataset === 'cifar10') return split === 'test' ? { trainSet: 'cifar10', evalSet: 'ori-test' } : { trainSet: 'cifar10-valid', evalSet: 'x-valid' }
  if (dataset === 'cifar10-valid') return { trainSet: 'cifar10-valid', evalSet: split === 'test' ? 'ori-test' : 'x-valid' }
  return { trainSet: dataset, evalSet: split === 'test' ? 'x-test' : 'x-valid' }
}

/** Options of the accuracy query. */
export interface SpaceAccuracyOptions {
  /** Training budget (epochs): nb201 has 12 and 200, natssss 1, 12 and 90. */
  epochs: number
  /** Which value over the seeds: 'mean' (default), 'min' or 'max'. */
  stat?: 'mean' | 'min' | 'max'
}

const STAT_COLUMN = { mean: 'accuracy', min: 'accuracy_min', max: 'accuracy_max' } as const

/**
 * Final-epoch accuracy (percent) of every imported arch of `space` ('nb201', 'natssss') for
 * `dataset` and `split` (see resolveNatsSplit) at one budget, keyed by normalised arch string.
 * Empty when nothing is imported.
 */
export function spaceAccuracies(
  store: BenchmarkStore,
  space: string,
  dataset: DatasetId | 'cifar10-valid',
  split: NatsSplit,
  options: SpaceAccuracyOptions,
): Map<string, number> {
  requireCurrent(store, space)
  const { trainSet, evalSet } = resolveNatsSplit(dataset, split)
  const column = STAT_COLUMN[options.stat ?? 'mean']
  const rows = store.guard('read', () =>
    store.db
      .prepare<[string, string, string, number], { arch: string; value: number }>(
        `SELECT arch, ${column} AS value FROM space_accuracies WHERE space = ? AND dataset = ? AND split = ? AND epochs = ?`,
      )
      .all(space, trainSet, evalSet, options.epochs),
  )
  return new Map(rows.map((r) => [r.arch, r.value]))
}

/** Params (millions), FLOPs (millions) and latency of one arch trained on one set. */
export interface ArchCost {
  params: number | null
  flops: number | null
  latency: number | null
}

/** Costs of every imported arch of `space` for one training set. */
export function spaceCosts(store: BenchmarkStore, space: string, trainSet: NatsTrainSet): Map<string, ArchCost> {
  requireCurrent(store, space)
  const rows = store.guard('read', () =>
    store.db
      .prepare<[string, string], ArchCost & { arch: string }>('SELECT arch, params, flops, latency FROM space_costs WHERE space = ? AND dataset = ?')
      .all(space, trainSet),
  )
  return new Map(rows.map(({ arch, ...cost }) => [arch, cost]))
}

/** Every imported arch string of `space` by its benchmark index (position in meta_archs). */
export function spaceArchsByIndex(store: BenchmarkStore, space: string): Map<number, string> {
  requireCurrent(store, space)
  const rows = store.guard('read', () =>
    store.db
      .prepare<[string], { arch: string; bench_index: number }>('SELECT arch, bench_index FROM space_archs WHERE space = ? AND bench_index IS NOT NULL')
      .all(space),
  )
  return new Map(rows.map((r) => [r.bench_index, r.arch]))
}

/**
 * Replaces every row of `space` in the space_* tables by what the given SELECTs yield (without
 * the space column: archs -> arch, bench_index; accuracies -> arch, dataset, split, epochs,
 * accuracy, min, max, seeds; costs -> arch, dataset, params, flops, latency). Other spaces' rows
 * stay. Importers call it inside their commit transaction (Staging.commit).
 */
export function replaceSpaceRows(store: BenchmarkStore, space: string, rows: { archs: string; accuracies: string; costs: string }): void {
  for (const table of ['space_accuracies', 'space_costs', 'space_archs']) store.db.prepare(`DELETE FROM main.${table} WHERE space = ?`).run(space)
  store.db.prepare(`INSERT INTO main.space_archs (space, arch, bench_index) SELECT ?, * FROM (${rows.archs})`).run(space)
  store.db
    .prepare(`INSERT INTO main.space_accuracies (space, arch, dataset, split, epochs, accuracy, accuracy_min, accuracy_max, seeds) SELECT ?, * FROM (${rows.accuracies})`)
    .run(space)
  store.db.prepare(`INSERT INTO main.space_costs (space, arch, dataset, params, flops, latency) SELECT ?, * FROM (${rows.costs})`).run(space)
}

// ---------------------------------------------------------------------------------------------
// NAS-Bench-101

/** One NB101 module as imported. Accuracies in percent over the 108-epoch runs. */
export interface Nb101Model {
  hash: string
  position: number
  matrix: string
  ops: string[]
  params: number
  runs: number
  test: { mean: number; min: number; max: number } | null
  valid: { mean: number; min: number; max: number } | null
}

interface Nb101Row {
  hash: string
  position: number
  matrix: string
  ops: string
  params: number
  runs: number
  test_mean: number | null
  test_min: number | null
  test_max: number | null
  valid_mean: number | null
  valid_min: number | null
  valid_max: number | null
}

/** The imported module with this hash, or null. */
export function nb101Model(store: BenchmarkStore, hash: string): Nb101Model | null {
  requireCurrent(store, 'nb101')
  const row = store.guard('read', () => store.db.prepare<[string], Nb101Row>('SELECT * FROM nb101_models WHERE hash = ?').get(hash))
  return row === undefined ? null : toNb101Model(row)
}

/** 108-epoch test or validation accuracy (percent) of every imported module, keyed by hash. */
export function nb101Accuracies(store: BenchmarkStore, split: 'test' | 'valid', stat: 'mean' | 'min' | 'max' = 'mean'): Map<string, number> {
  requireCurrent(store, 'nb101')
  const column = `${split}_${stat}`
  const rows = store.guard('read', () =>
    store.db
      .prepare<[], { hash: string; value: number }>(`SELECT hash, ${column} AS value FROM nb101_models WHERE ${column} IS NOT NULL`)
      .all(),
  )
  return new Map(rows.map((r) => [r.hash, r.value]))
}

/** Every imported module in source order (position 0 first). */
export function nb101Models(store: BenchmarkStore): Nb101Model[] {
  requireCurrent(store, 'nb101')
  return store.guard('read', () => store.db.prepare<[], Nb101Row>('SELECT * FROM nb101_models ORDER BY position').all()).map(toNb101Model)
}

/** Module hashes in source order (position 0 first): the index epsinas's NB101 lists use. */
export function nb101HashesInOrder(store: BenchmarkStore): string[] {
  requireCurrent(store, 'nb101')
  return store.guard('read', () => store.db.prepare<[], string>('SELECT hash FROM nb101_models ORDER BY position').pluck().all())
}

function toNb101Model(row: Nb101Row): Nb101Model {
  const triple = (mean: number | null, min: number | null, max: number | null): Nb101Model['test'] =>
    mean === null || min === null || max === null ? null : { mean, min, max }
  return {
    hash: row.hash,
    position: row.position,
    matrix: row.matrix,
    ops: row.ops.split(','),
    params: row.params,
    runs: row.runs,
    test: triple(row.test_mean, row.test_min, row.test_max),
    valid: triple(row.valid_mean, row.valid_min, row.valid_max),
  }
}

// ---------------------------------------------------------------------------------------------
// NAS-Bench-NLP

/** Aggregated final losses of one recepie in one collection of logs. */
export interface NbNlpModel {
  recepie: string
  runs: number
  finiteRuns: number
  numParams: number | null
  testLoss: { mean: number; min: number; max: number } | null
  /** exp(mean final test loss): losses are natural-log cross-entropy. */
  testPerplexity: number | null
  valLossMean: number | null
}

/** Every recepie of a collection (`nbnlp:<collection>`) trained on `dataset` ('ptb' or 'wikitext-2'). */
export function nbNlpModels(store: BenchmarkStore, collection: string, dataset: string): NbNlpModel[] {
  requireCurrent(store, `nbnlp:${collection}`)
  const rows = store.guard('read', () =>
    store.db
      .prepare<
        [string, string],
        {
          recepie: string
          runs: number
          finite_runs: number
          num_params: number | null
          test_loss_mean: number | null
          test_loss_min: number | null
          test_loss_max: number | null
          val_loss_mean: number | null
        }
      >('SELECT * FROM nbnlp_models WHERE collection = ? AND dataset = ? ORDER BY recepie')
      .all(collection, dataset),
  )
  return rows.map((r) => ({
    recepie: r.recepie,
    runs: r.runs,
    finiteRuns: r.finite_runs,
    numParams: r.num_params,
    testLoss:
      r.test_loss_mean === null || r.test_loss_min === null || r.test_loss_max === null
        ? null
        : { mean: r.test_loss_mean, min: r.test_loss_min, max: r.test_loss_max },
    testPerplexity: r.test_loss_mean === null ? null : Math.exp(r.test_loss_mean),
    valLossMean: r.val_loss_mean,
  }))
}

// ---------------------------------------------------------------------------------------------
// Other proxies (NAS-Bench-Suite-Zero)

/** One proxy's score per arch (null where the file had NaN); 'val_accuracy' gives the file's accuracies. */
export function proxyScores(store: BenchmarkStore, space: string, dataset: string, proxy: string): Map<string, number | null> {
  requireCurrent(store, `suite-zero:${space}`)
  const rows = store.guard('read', () =>
    store.db
      .prepare<[string, string, string], { arch: string; score: number | null }>(
        'SELECT arch, score FROM proxy_scores WHERE space = ? AND dataset = ? AND proxy = ?',
      )
      .all(space, dataset, proxy),
  )
  return new Map(rows.map((r) => [r.arch, r.score]))
}

/** One proxy's score per arch over the file's keys of that arch (NB101: isomorphic specs of one module). */
export interface ProxyScoreRange {
  /** NaN-omitting mean; null when every key had NaN. */
  mean: number | null
  min: number | null
  max: number | null
  /** Keys of the file averaged into the row. */
  keys: number
}

/** Like proxyScores, with the min, max and key count of each arch's row. */
export function proxyScoreRanges(store: BenchmarkStore, space: string, dataset: string, proxy: string): Map<string, ProxyScoreRange> {
  requireCurrent(store, `suite-zero:${space}`)
  const rows = store.guard('read', () =>
    store.db
      .prepare<[string, string, string], { arch: string; score: number | null; score_min: number | null; score_max: number | null; keys: number }>(
        'SELECT arch, score, score_min, score_max, keys FROM proxy_scores WHERE space = ? AND dataset = ? AND proxy = ?',
      )
      .all(space, dataset, proxy),
  )
  return new Map(rows.map((r) => [r.arch, { mean: r.score, min: r.score_min, max: r.score_max, keys: r.keys }]))
}

/** One key of a Suite-Zero file: as written, its spec in our written form, and our id. */
export interface ProxyKey {
  key: string
  spec: string
  arch: string
}

/** Every key imported for a space and dataset, in key order. */
export function proxyKeys(store: BenchmarkStore, space: string, dataset: string): ProxyKey[] {
  requireCurrent(store, `suite-zero:${space}`)
  return store.guard('read', () =>
    store.db.prepare<[string, string], ProxyKey>('SELECT key, spec, arch FROM proxy_keys WHERE space = ? AND dataset = ? ORDER BY key').all(space, dataset),
  )
}

/** Proxies imported for a space and dataset, sorted. */
export function listProxies(store: BenchmarkStore, space: string, dataset: string): string[] {
  requireCurrent(store, `suite-zero:${space}`)
  return store.guard('read', () =>
    store.db
      .prepare<[string, string], string>('SELECT DISTINCT proxy FROM proxy_scores WHERE space = ? AND dataset = ? ORDER BY proxy')
      .pluck()
      .all(space, dataset),
  )
}

/** The NB-NLP log collections (`nbnlp:<collection>`) that hold recepies trained on `dataset`, by name. */
export function nbNlpCollections(store: BenchmarkStore, dataset: string): string[] {
  return store.guard('read', () =>
    store.db.prepare<[string], string>('SELECT DISTINCT collection FROM nbnlp_models WHERE dataset = ? ORDER BY collection').pluck().all(dataset),
  )
}
