import type { NanReason } from '../../shared/types.ts'
import type { JobStore } from './jobs.ts'
import type { SweepEvaluationStore } from './sweep-evaluations.ts'

/**
 * Everything that changes a score except the architecture: one row of `score_configs`.
 * Kept flat and free-form (strings, numbers) so the store does not have to change when a
 * search space, dataset or engine is added; the services translate from `ScoreConfig`.
 */
export interface ScoreConfigKey {
  space: string
  dataset: string
  classes: number
  imageSize: number
  input: string
  inputSeed: number
  batchSize: number
  /** Compared exactly as float64 values: 1e-7 stored as REAL reads back bit-identical. */
  weights: readonly [number, number]
  /** Engine key including its version, e.g. `collapsed/ts@1`, so an engine change misses the cache. */
  engine: string
}

/** One cached score of one architecture under one config. */
export interface StoredScore {
  arch: string
  /** null exactly when the score is NaN; `nanReason` then says why. */
  epsilon: number | null
  nanReason: NanReason | null
  /** Milliseconds the computation took. */
  ms: number
  /** Id of the architecture whose computation produced this value when it was shared through a canonical form, else null. */
  canonical: string | null
}

/** A config row with how many scores it holds. */
export interface ConfigSummary extends ScoreConfigKey {
  id: number
  count: number
  /** Scores stored as NaN (epsilon null). */
  nanCount: number
}

/** The SQLite score cache. Methods are synchronous (better-sqlite3); call them off the UI thread. */
export interface ScoreStore {
  /** File the cache lives in. */
  readonly path: string
  /** Id of the config row for `key`, creating it when missing (idempotent). */
  configId(key: ScoreConfigKey): number
  /** Id of the config row for `key`, or null when there is none; never writes. */
  findConfigId(key: ScoreConfigKey): number | null
  /** Cached scores of `archs` under the config; archs not cached are absent from the map. */
  lookup(configId: number, archs: readonly string[]): Map<string, StoredScore>
  /** How many of `archs` have a cached score under the config (lookup's size, without reading the rows). */
  countCached(configId: number, archs: readonly string[]): number
  /**
   * Stores the scores in one transaction, all or nothing. An arch already cached for the config
   * keeps its first value (insert-or-ignore): a finished score is never overwritten or duplicated.
   */
  putMany(configId: number, scores: readonly StoredScore[]): void
  /** Like putMany for several configs at once, in one transaction (a sweep task scores many pairs). */
  putBatch(entries: ReadonlyArray<{ configId: number; scores: readonly StoredScore[] }>): void
  /** The durable job queue kept in the same file. */
  readonly jobs: JobStore
  /** The evaluation harness's results kept with their sweep jobs. */
  readonly evaluations: SweepEvaluationStore
  /** Every cached score of the config, ordered by arch. */
  scoresFor(configId: number): StoredScore[]
  /** Number of cached scores of one config, or of all configs when `configId` is omitted. */
  countScores(configId?: number): number
  /** Every config with its score counts, ordered by id. */
  listConfigs(): ConfigSummary[]
  /** The `PRAGMA user_version` the file is at. */
  schemaVersion(): number
  /** Result of `PRAGMA integrity_check`, rows joined by newlines; 'ok' when healthy. */
  integrityCheck(): string
  close(): void
}
