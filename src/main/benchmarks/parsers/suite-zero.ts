import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Transform } from 'node:stream'
import { EpsinasError } from '../../../shared/errors.ts'
import type { BenchmarkStore } from '../../store/benchmarks.ts'
import { asFileError, badFile } from './errors.ts'
import { JsonStreamError, streamJsonEntries } from './json-stream.ts'
import { throttledProgress, type ImportOptions, type ImportResult, type ProgressListener } from './progress.ts'
import { checkAborted, Staging } from './staging.ts'
import { nb101SpecFromSuiteZeroKey, nb101SpecText, nb201ArchFromSuiteZeroKey } from './suite-zero-keys.ts'

/** Spaces whose Suite-Zero keys we can turn into our ids. */
export type SuiteZeroSpace = 'nb201' | 'nb101'

/** Wrapper keys of the early (benchmarks-branch) layout: {"nasbench201": {dataset: {arch: {...}}}}. */
const WRAPPERS: Record<string, SuiteZeroSpace> = { nasbench201: 'nb201', nasbench101: 'nb101' }

/** Per-arch fields that are not proxies: NASLib's own sample index and arch text. */
const METADATA = new Set(['idx', 'arch'])

/** Options of the Suite-Zero importer. */
export interface SuiteZeroImportOptions extends ImportOptions {
  /** Space of the file; by default recognised from its keys (6-tuples: nb201, n*n+n tuples: nb101). */
  space?: SuiteZeroSpace
  /**
   * NB101 module hash of a spec. Without it NB101 keys are resolved through the imported
   * nb101_models table (matched on matrix and ops), so NB101 must be imported first.
   */
  nb101Hash?: (matrix: string, ops: readonly string[]) => string
}

/** One architecture's proxies from either layout. */
interface ArchEntry {
  dataset: string
  key: string
  fields: unknown
  /** Where the key's value starts; null in the early layout, where only the dataset's is known. */
  offset: number | null
}

/** What an import stored, plus the NB101 specs that matched no imported module. */
export interface SuiteZeroImportResult extends ImportResult {
  unresolved: number
}

/**
 * Imports a NAS-Bench-Suite-Zero file (zc_nasbench201.json, zc_nasbench101.json, or the early
 * flat layout) into proxy_scores and proxy_keys. Keys become our ids (suite-zero-keys.ts); every
 * key is kept in proxy_keys with its spec. NB101 keys are specs, and isomorphic specs of one
 * module are separate keys, each with the val_accuracy of one sampled run of the benchmark's
 * three: proxy_scores holds one row per (dataset, proxy, module hash) with the NaN-omitting mean
 * over its keys as the score (the benchmark's own statistic over runs), plus min, max and the key
 * count. `val_accuracy` is kept as the proxy 'val_accuracy'. NaN scores are stored as NULL,
 * ±Infinity as is. The same spec twice (two spellings of one key) is refused. The file is
 * streamed one architecture at a time. Replaces the space's rows; all or nothing.
 */
export async function importSuiteZero(
  store: BenchmarkStore,
  path: string,
  onProgress?: ProgressListener,
  options: SuiteZeroImportOptions = {},
): Promise<SuiteZeroImportResult> {
  const report = throttledProgress(onProgress)
  let totalBytes: number
  try {
    totalBytes = (await stat(path)).size
  } catch (error) {
    throw asFileError(path, error)
  }
  const staging = new Staging(
    store,
    (s) => `CREATE TABLE ${s}.keys (dataset TEXT, key TEXT, spec TEXT, arch TEXT, PRIMARY KEY (dataset, key));
            CREATE TABLE ${s}.scores (dataset TEXT, arch TEXT, proxy TEXT, score REAL, time REAL);`,
  )
  try {
    const s = staging.schema
    const keys = staging.writer(`INSERT INTO ${s}.keys VALUES (?, ?, ?, ?)`, 5000)
    const scores = staging.writer(`INSERT INTO ${s}.scores VALUES (?, ?, ?, ?, ?)`, 5000)
    let space: SuiteZeroSpace | null = options.space ?? null
    /** First key of each (dataset, spec), to refuse a spec written twice. */
    const firstKey = new Map<string, string>()
    let records = 0
    let unresolved = 0
    let bytesRead = 0
    const resolveNb101 = options.nb101Hash ?? hashFromStore(store)
    const counted = createReadStream(path, { highWaterMark: 1024 * 1024 }).pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytesRead += chunk.length
          done(null, chunk)
        },
      }),
    )
    try {
      for await (const entry of archEntries(streamJsonEntries(counted, 2))) {
        checkAborted(options.signal, path)
        // Errors name the key: in the early layout every key shares its dataset's offset.
        const where = `dataset ${JSON.stringify(entry.dataset)}, key ${JSON.stringify(entry.key)}${entry.offset === null ? '' : ` (character ${entry.offset})`}`
        space ??= guessSpace(entry.key)
        let cell: { specId: string; spec: string; arch: string | null }
        try {
          cell = CELL_OF_KEY[space](entry.key, resolveNb101)
        } catch (error) {
          if (error instanceof EpsinasError) throw error
          throw badFile(path, where, (error as Error).message)
        }
        const id = `${entry.dataset}\u0000${cell.specId}`
        const first = firstKey.get(id)
        if (first !== undefined) throw badFile(path, where, `the same spec as key ${JSON.stringify(first)}`)
        firstKey.set(id, entry.key)
        if (cell.arch === null) {
          unresolved++
          continue
        }
        const arch = cell.arch
        keys.add([entry.dataset, entry.key, cell.spec, arch])
        for (const [proxy, score, time] of proxyValues(entry.fields, (what) => badFile(path, where, what))) scores.add([entry.dataset, arch, proxy, score, time])
        records++
        report({ phase: 'reading', bytesRead, totalBytes, items: records })
      }
    } catch (error) {
      if (error instanceof JsonStreamError) throw badFile(path, '', error.message)
      throw asFileError(path, error)
    }
    keys.flush()
    scores.flush()
    if (records === 0 || space === null) throw badFile(path, '', unresolved > 0 ? `none of the ${unresolved} NB101 specs matches an imported module` : 'no architectures found')
    report({ phase: 'writing', bytesRead, totalBytes, items: records }, true)
    const finalSpace = space
    const benchmark = `suite-zero:${finalSpace}`
    const items = staging.commit({ benchmark, format: 'suite-zero-json', source: path }, () => {
      store.db.prepare('DELETE FROM main.proxy_scores WHERE space = ?').run(finalSpace)
      store.db.prepare('DELETE FROM main.proxy_keys WHERE space = ?').run(finalSpace)
      store.db.prepare(`INSERT INTO main.proxy_keys (space, dataset, key, spec, arch) SELECT ?, dataset, key, spec, arch FROM ${s}.keys`).run(finalSpace)
      // avg, min and max skip NULL (NaN in the file): a NaN-omitting mean, NULL when every key was NaN.
      return store.db
        .prepare(
          `INSERT INTO main.proxy_scores (space, dataset, proxy, arch, score, time, score_min, score_max, keys)
             SELECT ?, dataset, proxy, arch, avg(score), avg(time), min(score), max(score), count(*)
               FROM ${s}.scores GROUP BY dataset, proxy, arch`,
        )
        .run(finalSpace).changes
    })
    return { benchmark, items, records, unresolved }
  } finally {
    staging.close()
  }
}

/** The decoder of each space's keys: the Suite-Zero file format covers these two spaces only. */
const CELL_OF_KEY: Record<SuiteZeroSpace, (key: string, resolveNb101: (matrix: string, ops: readonly string[]) => string | null) => { specId: string; spec: string; arch: string | null }> = {
  nb201: (key) => nb201Cell(key),
  nb101: (key, resolveNb101) => nb101Cell(key, resolveNb101),
}

/** An NB201 key: the spec is the arch string itself. */
function nb201Cell(key: string): { specId: string; spec: string; arch: string } {
  const arch = nb201ArchFromSuiteZeroKey(key)
  return { specId: arch, spec: arch, arch }
}

/** An NB101 key: the spec as written (unpruned) identifies it; arch is its module hash, null when unresolved. */
function nb101Cell(key: string, resolve: (matrix: string, ops: readonly string[]) => string | null): { specId: string; spec: string; arch: string | null } {
  const { matrix, ops } = nb101SpecFromSuiteZeroKey(key)
  const spec = nb101SpecText(matrix, ops)
  return { specId: `${matrix}|${ops.join(',')}`, spec, arch: resolve(matrix, ops) }
}

/** Architecture objects of either layout, from the depth-2 values of the document. */
async function* archEntries(values: AsyncIterable<{ path: string[]; value: unknown; offset: number }>): AsyncGenerator<ArchEntry> {
  for await (const { path, value, offset } of values) {
    const [first, second] = path
    if (first in WRAPPERS) {
      // Early layout: the depth-2 value is a whole dataset {arch: {proxy: number}}; those files are small.
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JsonStreamError(offset, `dataset ${second} is not an object`)
      for (const [key, fields] of Object.entries(value)) yield { dataset: second, key, fields, offset: null }
    } else yield { dataset: first, key: second, fields: value, offset }
  }
}

/** 6-tuples are NB201 op indices; other tuples are NB101 specs. */
function guessSpace(key: string): SuiteZeroSpace {
  if (key.trim().startsWith('|')) return 'nb201'
  const commas = (key.match(/,/g) ?? []).length
  return commas === 5 ? 'nb201' : 'nb101'
}

/** (proxy, score, time) of one arch: numbers (flat layout) or {score, time} objects. */
function* proxyValues(fields: unknown, fail: (what: string) => EpsinasError): Generator<[string, number | null, number | null]> {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw fail('is not an object of proxies')
  for (const [proxy, value] of Object.entries(fields)) {
    if (METADATA.has(proxy)) continue
    if (value === null || typeof value === 'number') yield [proxy, value, null]
    else if (typeof value === 'object' && !Array.isArray(value) && 'score' in value) {
      const { score, time } = value as { score: unknown; time?: unknown }
      if (score !== null && typeof score !== 'number') throw fail(`${proxy}.score is not a number`)
      if (time !== undefined && time !== null && typeof time !== 'number') throw fail(`${proxy}.time is not a number`)
      yield [proxy, score, typeof time === 'number' ? time : null]
    } else throw fail(`${proxy} is neither a number nor {score, time}`)
  }
}

/** Resolves NB101 specs through nb101_models; refuses when NB101 has not been imported. */
function hashFromStore(store: BenchmarkStore): (matrix: string, ops: readonly string[]) => string | null {
  const statement = store.db.prepare<[string, string], string>('SELECT hash FROM nb101_models WHERE matrix = ? AND ops = ?').pluck()
  let checked = false
  return (matrix, ops) => {
    if (!checked) {
      checked = true
      const count = store.db.prepare<[], number>('SELECT count(*) FROM nb101_models').pluck().get() ?? 0
      if (count === 0) throw new EpsinasError('BAD_ARGUMENT', 'Suite-Zero NB101 keys are specs; import NAS-Bench-101 first so they can be matched to module hashes')
    }
    return statement.get(matrix, ops.join(',')) ?? null
  }
}
