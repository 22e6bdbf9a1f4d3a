import { closeSync, existsSync, openSync, readSync, rmSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import type Database from 'better-sqlite3'
import { EpsinasError } from '../../shared/errors.ts'
import type { JobFailure, JobRecord, SweepResultRow } from './jobs.ts'
import { oneLine, openCacheFile } from './sqlite.ts'
import { KEY_WHERE, keyParams, openStore } from './store.ts'
import { NativeProxyMerger, nativeProxyConflictError, readNativeProxyRows, type MergedNativeProxies, type NativeProxyRow } from './merge-proxy-scores.ts'
import type { ScoreConfigKey, StoredScore } from './types.ts'

/** One job of a source file, with everything that belongs to it. */
interface SourceJob {
  record: JobRecord
  archs: string[]
  failures: JobFailure[]
  sweepResults: SweepResultRow[]
}

/** What merge reads from one source cache. */
interface SourceCache {
  path: string
  /** id: the config's row id in the source file (sweep results refer to it). */
  configs: Array<{ id: number; key: ScoreConfigKey; scores: StoredScore[] }>
  jobs: SourceJob[]
  /** The native proxy scores (`epsinas proxies`), merged by the same rules as the epsilon scores. */
  nativeProxies: NativeProxyRow[]
}

/** Same key (config and arch), different value: two runs disagree, and merge refuses to choose. */
export interface MergeConflict {
  key: ScoreConfigKey
  arch: string
  /** The value already in the output (or merged from an earlier source), and where it came from. */
  kept: { epsilon: number | null; nanReason: string | null; from: string }
  offered: { epsilon: number | null; nanReason: string | null; from: string }
}

/** What one source added. */
export interface MergedSource {
  path: string
  scores: number
  /** Scores new to the output. */
  added: number
  /** Scores the output already had with the same value (kept once). */
  same: number
  /** The source's jobs as they now are in the output (copied, or updated from an earlier merge). */
  jobs: JobRecord[]
  /** What its native proxy scores added. */
  nativeProxies: MergedNativeProxies
}

/** The result of a merge that went through. */
export interface MergeResult {
  out: string
  sources: MergedSource[]
}

/** The first bytes of every SQLite 3 database file. */
const SQLITE_HEADER = 'SQLite format 3\0'

/**
 * Merges the score caches `sources` into the cache `out` (created when missing) in one
 * transaction: scores new to `out` are added; a score `out` already has with the same value
 * (epsilon, NaN reason) is kept once, and so is a native proxy score (`epsinas proxies`) with the same value; the same key with a different value anywhere is a conflict,
 * and then nothing at all is written (BAD_FILE naming the first, `out` byte-for-byte unchanged
 * when it existed). Jobs are copied with their archs, failures and sweep results, their spec
 * naming the file they came from (`mergedFrom`); merging a file again updates its jobs, so a
 * merge run twice changes nothing. A source that is not an epsinas cache is refused before
 * anything is written. The timing column (`ms`) and the representative arch of a shared
 * score (`canonical`) are not part of a score's value: the first one merged is kept.
 */
export function mergeCaches(outPath: string, sourcePaths: readonly string[]): MergeResult {
  const out = resolve(outPath)
  if (existsSync(out)) checkCacheFile(out, 'the merge output')
  const sources = sourcePaths.map((path) => readSource(resolve(path)))
  const seen = new Set<string>()
  for (const source of sources) {
    if (source.path === out) throw new EpsinasError('BAD_ARGUMENT', `${source.path} is the merge output itself; give the files to merge into it`)
    if (seen.has(source.path)) throw new EpsinasError('BAD_ARGUMENT', `${source.path} is given twice`)
    seen.add(source.path)
  }
  const created = !existsSync(out)
  const db = openCacheFile(out, 'the merge output', { foreignKeys: true }, (_fullPath, connection) => connection)
  try {
    return { out, sources: db.transaction(() => writeAll(db, sources)).immediate() }
  } catch (error) {
    db.close()
    // The transaction left an existing output as it was; an output this merge created goes again.
    if (created) for (const file of [out, `${out}-wal`, `${out}-shm`]) rmSync(file, { force: true })
    if (error instanceof EpsinasError) throw error
    throw new EpsinasError('STORE_FAILED', oneLine(`Cannot merge into ${out}: ${error instanceof Error ? error.message : String(error)}`))
  } finally {
    if (db.open) db.close()
  }
}

/** Throws BAD_FILE unless `path` is an epsinas cache (an existing SQLite file of ours); reads only. */
function checkCacheFile(path: string, what: string): void {
  if (!existsSync(path)) throw new EpsinasError('BAD_FILE', `${what} ${path} does not exist`)
  if (statSync(path).isDirectory()) throw new EpsinasError('BAD_FILE', `${what} ${path} is a folder, not an epsinas cache file`)
  const header = Buffer.alloc(SQLITE_HEADER.length)
  const fd = openSync(path, 'r')
  let read: number
  try {
    read = readSync(fd, header, 0, header.length, 0)
  } finally {
    closeSync(fd)
  }
  // An empty file is a new cache to SQLite; as a shard or an output it is just empty.
  if (read > 0 && header.toString('latin1') !== SQLITE_HEADER) {
    throw new EpsinasError('BAD_FILE', `${what} ${path} is not an epsinas cache file (not a SQLite database); nothing was merged`)
  }
}

/** Reads every config, score and job of a source cache without writing to it. */
function readSource(path: string): SourceCache {
  checkCacheFile(path, 'shard')
  let store
  try {
    store = openStore(path, { readOnly: true })
  } catch (error) {
    // BAD_FILE from openStore: another application's SQLite database.
    if (error instanceof EpsinasError && error.code === 'BAD_FILE') {
      throw new EpsinasError('BAD_FILE', `shard ${path} is not an epsinas cache file (a SQLite database of another application); nothing was merged`)
    }
    throw error
  }
  try {
    const configs = store.listConfigs().map(({ id, count: _count, nanCount: _nan, ...key }) => ({ id, key, scores: store.scoresFor(id) }))
    const jobs = store.jobs.list().map((record) => ({
      record,
      archs: store.jobs.archs(record.id),
      failures: store.jobs.failures(record.id),
      sweepResults: store.jobs.sweepResults(record.id),
    }))
    return { path, configs, jobs, nativeProxies: readNativeProxyRows(path) }
  } finally {
    store.close()
  }
}

/** The columns of a config row in keyParams order. */
const CONFIG_COLUMNS = 'space, dataset, classes, image_size, input, input_seed, batch_size, w_low, w_high, engine'

/** Writes every source into the output (inside the caller's transaction); throws on the first set of conflicts. */
function writeAll(db: Database.Database, sources: readonly SourceCache[]): MergedSource[] {
  const findConfig = db.prepare<unknown[], number>(`SELECT id FROM score_configs WHERE ${KEY_WHERE}`).pluck()
  const insertConfig = db.prepare(`INSERT INTO score_configs (${CONFIG_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const selectScore = db.prepare<[number, string], { epsilon: number | null; nan_reason: string | null }>('SELECT epsilon, nan_reason FROM scores WHERE config_id = ? AND arch = ?')
  const insertScore = db.prepare('INSERT INTO scores (config_id, arch, epsilon, nan_reason, ms, canonical) VALUES (?, ?, ?, ?, ?, ?)')
  const configIdOf = (key: ScoreConfigKey): number => {
    const existing = findConfig.get(...keyParams(key))
    if (existing !== undefined) return existing
    return Number(insertConfig.run(...keyParams(key)).lastInsertRowid)
  }
  // Which file each score written by this merge came from, to name both files of a conflict.
  const origin = new Map<string, string>()
  const conflicts: MergeConflict[] = []
  const native = new NativeProxyMerger(db)
  const merged: MergedSource[] = []
  for (const source of sources) {
    let added = 0
    let same = 0
    let scores = 0
    // Source config row id -> output config row id.
    const configIds = new Map<number, number>()
    for (const { id, key, scores: rows } of source.configs) {
      const configId = configIdOf(key)
      configIds.set(id, configId)
      for (const row of rows) {
        scores++
        const existing = selectScore.get(configId, row.arch)
        if (existing === undefined) {
          insertScore.run(configId, row.arch, row.epsilon, row.nanReason, row.ms, row.canonical)
          origin.set(`${configId}\0${row.arch}`, source.path)
          added++
        } else if (existing.epsilon === row.epsilon && existing.nan_reason === row.nanReason) {
          same++
        } else {
          conflicts.push({
            key,
            arch: row.arch,
            kept: { epsilon: existing.epsilon, nanReason: existing.nan_reason, from: origin.get(`${configId}\0${row.arch}`) ?? 'the merge output' },
            offered: { epsilon: row.epsilon, nanReason: row.nanReason, from: source.path },
          })
        }
      }
    }
    const jobs = source.jobs.map((job) => copyJob(db, job, source.path, configIds))
    merged.push({ path: source.path, scores, added, same, jobs, nativeProxies: native.merge(source.nativeProxies, source.path) })
  }
  if (conflicts.length > 0) throw conflictError(conflicts)
  if (native.conflicts.length > 0) throw nativeProxyConflictError(native.conflicts)
  return merged
}

/**
 * Copies a job into the output, its spec naming the file it came from; a job merged earlier from the
 * same file is replaced (its later state wins), a job of the same id from elsewhere is left alone.
 */
function copyJob(db: Database.Database, job: SourceJob, from: string, configIds: ReadonlyMap<number, number>): JobRecord {
  const { record } = job
  const spec = { ...(JSON.parse(record.spec) as Record<string, unknown>), mergedFrom: from }
  const existing = db.prepare<[string], { spec: string }>('SELECT spec FROM jobs WHERE id = ?').get(record.id)
  if (existing !== undefined) {
    const existingFrom = (JSON.parse(existing.spec) as { mergedFrom?: unknown }).mergedFrom
    if (existingFrom !== from) return record
    db.prepare('DELETE FROM jobs WHERE id = ?').run(record.id)
  }
  // The process that ran the job lived on another machine: its PID means nothing here. A job left
  // 'running' there thus reads as interrupted.
  db.prepare(
    `INSERT INTO jobs (id, kind, state, spec, total, done, nan, failed, runner_pid, runner_identity, error, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)`,
  ).run(record.id, record.kind, record.state, JSON.stringify(spec), record.total, record.done, record.nan, record.failed, record.error, record.createdAt, record.updatedAt)
  const insertArch = db.prepare('INSERT INTO job_archs (job_id, position, arch) VALUES (?, ?, ?)')
  job.archs.forEach((arch, position) => insertArch.run(record.id, position, arch))
  const insertFailure = db.prepare('INSERT INTO job_failures (job_id, w_low, w_high, arch, code, message) VALUES (?, ?, ?, ?, ?, ?)')
  for (const f of job.failures) insertFailure.run(record.id, f.weights[0], f.weights[1], f.arch, f.code, f.message)
  const insertResult = db.prepare('INSERT INTO sweep_results (job_id, exp_low, exp_high, w_low, w_high, config_id, n, nan, failed, stats) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
  for (const r of job.sweepResults) {
    // Every sweep result's config is in its file (a foreign key), so it was merged above.
    const configId = configIds.get(r.configId)
    if (configId !== undefined) insertResult.run(record.id, r.exponents[0], r.exponents[1], r.weights[0], r.weights[1], configId, r.n, r.nan, r.failed, r.stats)
  }
  return { ...record, spec: JSON.stringify(spec), runnerPid: null, runnerIdentity: null }
}

/** The one-line refusal: how many conflicts, the first with both values and both files. */
function conflictError(conflicts: readonly MergeConflict[]): EpsinasError {
  const first = conflicts[0]
  const k = first.key
  const value = (v: { epsilon: number | null; nanReason: string | null }): string => (v.epsilon === null ? `NaN (${v.nanReason})` : String(v.epsilon))
  return new EpsinasError(
    'BAD_FILE',
    `merge refused, nothing written: ${conflicts.length} score${conflicts.length === 1 ? '' : 's'} with the same key but different values; first: ${first.arch} ` +
      `(${k.space} ${k.dataset} input ${k.input} seed ${k.inputSeed} batch ${k.batchSize} weights ${k.weights[0]},${k.weights[1]} engine ${k.engine}) ` +
      `is ${value(first.kept)} in ${first.kept.from} but ${value(first.offered)} in ${first.offered.from}`,
  )
}
