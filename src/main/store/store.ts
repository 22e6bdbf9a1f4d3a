import Database from 'better-sqlite3'
import type { NanReason } from '../../shared/types.ts'
import { JobStore } from './jobs.ts'
import { guardSqlite, openCacheFile } from './sqlite.ts'
import { SweepEvaluationStore } from './sweep-evaluations.ts'
import type { ConfigSummary, ScoreConfigKey, ScoreStore, StoredScore } from './types.ts'
import { checkConfigKey, checkScores } from './validate.ts'

/**
 * Opens (creating when missing) the score cache at `path` and migrates it to the latest schema;
 * with `readOnly`, reads it without writing anything (see openCacheFile). Throws STORE_FAILED,
 * naming the path and the reason, when the file cannot be used or belongs to another application.
 */
export function openStore(path: string, options: { readOnly?: boolean } = {}): ScoreStore {
  return openCacheFile(path, 'the score cache', { foreignKeys: true, readOnly: options.readOnly }, (fullPath, db) => new SqliteScoreStore(fullPath, db))
}

/** Row shape of `score_configs` joined with its counts. */
interface ConfigRow {
  id: number
  space: string
  dataset: string
  classes: number
  image_size: number
  input: string
  input_seed: number
  batch_size: number
  w_low: number
  w_high: number
  engine: string
  count: number
  nan_count: number
}

/** Row shape of `scores` as selected below. */
interface ScoreRow {
  arch: string
  epsilon: number | null
  nan_reason: string | null
  ms: number
  canonical: string | null
}

const SCORE_COLUMNS = 'arch, epsilon, nan_reason, ms, canonical'
/** The WHERE clause matching one config row by its key; bind keyParams(key). */
export const KEY_WHERE =
  'space = ? AND dataset = ? AND classes = ? AND image_size = ? AND input = ? AND input_seed = ? AND batch_size = ? AND w_low = ? AND w_high = ? AND engine = ?'

class SqliteScoreStore implements ScoreStore {
  private readonly findConfig: Database.Statement<unknown[], number>
  private readonly insertConfig: Database.Statement
  private readonly selectScore: Database.Statement<[number, string], ScoreRow>
  private readonly scoreExists: Database.Statement<[number, string], { found: number }>
  private readonly insertScore: Database.Statement
  private readonly selectScores: Database.Statement<[number], ScoreRow>
  readonly jobs: JobStore
  readonly evaluations: SweepEvaluationStore

  constructor(
    readonly path: string,
    private readonly db: Database.Database,
  ) {
    this.jobs = new JobStore(db, (doing, fn) => this.guard(doing, fn))
    this.evaluations = new SweepEvaluationStore(db, (doing, fn) => this.guard(doing, fn))
    this.findConfig = db.prepare<unknown[], number>(`SELECT id FROM score_configs WHERE ${KEY_WHERE}`).pluck()
    this.insertConfig = db.prepare(
      `INSERT OR IGNORE INTO score_configs
         (space, dataset, classes, image_size, input, input_seed, batch_size, w_low, w_high, engine)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.selectScore = db.prepare(`SELECT ${SCORE_COLUMNS} FROM scores WHERE config_id = ? AND arch = ?`)
    this.scoreExists = db.prepare(`SELECT 1 AS found FROM scores WHERE config_id = ? AND arch = ?`)
    this.insertScore = db.prepare(
      `INSERT OR IGNORE INTO scores (config_id, arch, epsilon, nan_reason, ms, canonical) VALUES (?, ?, ?, ?, ?, ?)`,
    )
    this.selectScores = db.prepare(`SELECT ${SCORE_COLUMNS} FROM scores WHERE config_id = ? ORDER BY arch`)
  }

  configId(key: ScoreConfigKey): number {
    checkConfigKey(key)
    return this.guard('create a score config in', () => {
      const existing = this.findConfig.get(...keyParams(key))
      if (existing !== undefined) return existing
      // Insert-or-ignore then re-read, so another process creating the same row at once is harmless.
      return this.db
        .transaction(() => {
          this.insertConfig.run(...keyParams(key))
          const id = this.findConfig.get(...keyParams(key))
          if (id === undefined) throw new Error('the score config row vanished right after its insert')
          return id
        })
        .immediate()
    })
  }

  findConfigId(key: ScoreConfigKey): number | null {
    checkConfigKey(key)
    return this.guard('read', () => this.findConfig.get(...keyParams(key)) ?? null)
  }

  lookup(configId: number, archs: readonly string[]): Map<string, StoredScore> {
    // One prepared point query per arch inside one read transaction measured as fast as chunked
    // IN lists or json_each (about 35 ms for 15,625 archs) and needs no chunking logic.
    const found = new Map<string, StoredScore>()
    this.guard('read', () =>
      this.db.transaction(() => {
        for (const arch of archs) {
          const row = this.selectScore.get(configId, arch)
          if (row !== undefined) found.set(arch, toStored(row))
        }
      })(),
    )
    return found
  }

  countCached(configId: number, archs: readonly string[]): number {
    let count = 0
    this.guard('read', () =>
      this.db.transaction(() => {
        for (const arch of archs) if (this.scoreExists.get(configId, arch) !== undefined) count++
      })(),
    )
    return count
  }

  putMany(configId: number, scores: readonly StoredScore[]): void {
    this.putBatch([{ configId, scores }])
  }

  putBatch(entries: ReadonlyArray<{ configId: number; scores: readonly StoredScore[] }>): void {
    for (const entry of entries) checkScores(entry.scores)
    this.guard('write scores to', () =>
      this.db
        .transaction(() => {
          for (const { configId, scores } of entries) {
            for (const s of scores) this.insertScore.run(configId, s.arch, s.epsilon, s.nanReason, s.ms, s.canonical)
          }
        })
        .immediate(),
    )
  }

  scoresFor(configId: number): StoredScore[] {
    return this.guard('read', () => this.selectScores.all(configId).map(toStored))
  }

  countScores(configId?: number): number {
    const count = this.guard('read', () =>
      configId === undefined
        ? this.db.prepare<[], number>('SELECT count(*) FROM scores').pluck().get()
        : this.db.prepare<[number], number>('SELECT count(*) FROM scores WHERE config_id = ?').pluck().get(configId),
    )
    return count ?? 0
  }

  listConfigs(): ConfigSummary[] {
    const rows = this.guard('read', () =>
      this.db
        .prepare<[], ConfigRow>(
          `SELECT c.*, count(s.arch) AS count, count(s.arch) - count(s.epsilon) AS nan_count
             FROM score_configs c LEFT JOIN scores s ON s.config_id = c.id
            GROUP BY c.id ORDER BY c.id`,
        )
        .all(),
    )
    return rows.map((r) => ({
      id: r.id,
      space: r.space,
      dataset: r.dataset,
      classes: r.classes,
      imageSize: r.image_size,
      input: r.input,
      inputSeed: r.input_seed,
      batchSize: r.batch_size,
      weights: [r.w_low, r.w_high] as const,
      engine: r.engine,
      count: r.count,
      nanCount: r.nan_count,
    }))
  }

  schemaVersion(): number {
    return this.guard('read', () => this.db.pragma('user_version', { simple: true }) as number)
  }

  integrityCheck(): string {
    const rows = this.guard('check', () => this.db.pragma('integrity_check') as Array<{ integrity_check: string }>)
    return rows.map((r) => r.integrity_check).join('\n')
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  /** Runs `fn`, SQLite failures as STORE_FAILED naming this file (guardSqlite). */
  private guard<T>(doing: string, fn: () => T): T {
    return guardSqlite(doing, `the score cache at ${this.path}`, fn)
  }
}

/** Bind order of KEY_WHERE and the config INSERT. */
export function keyParams(key: ScoreConfigKey): unknown[] {
  return [
    key.space,
    key.dataset,
    key.classes,
    key.imageSize,
    key.input,
    key.inputSeed,
    key.batchSize,
    key.weights[0],
    key.weights[1],
    key.engine,
  ]
}

function toStored(row: ScoreRow): StoredScore {
  return {
    arch: row.arch,
    epsilon: row.epsilon,
    // Only putMany writes this column, and it only accepts NanReason values.
    nanReason: row.nan_reason as NanReason | null,
    ms: row.ms,
    canonical: row.canonical,
  }
}
