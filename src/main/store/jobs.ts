import type Database from 'better-sqlite3'
import type { WeightPair } from '../../shared/types.ts'

/** What a job does: score one weight pair, or sweep a grid of pairs. */
export type JobKind = 'score' | 'sweep'

/** Life cycle: queued -> running -> done | failed | paused | cancelled; paused and interrupted jobs run again. */
export type JobState = 'queued' | 'running' | 'paused' | 'cancelled' | 'done' | 'failed'

/** One row of `jobs`; `spec` is the job's JSON request without its architectures (the jobs module owns its shape). */
export interface JobRecord {
  id: string
  kind: JobKind
  state: JobState
  spec: string
  total: number
  done: number
  nan: number
  failed: number
  runnerPid: number | null
  /** Identity of the process behind runnerPid (see jobs/process-identity), null where unknown. */
  runnerIdentity: string | null
  error: string | null
  createdAt: string
  updatedAt: string
}

/** An architecture that failed under one weight pair of a job. */
export interface JobFailure {
  weights: WeightPair
  arch: string
  code: string
  message: string
}

/** Per-pair outcome of a sweep. */
export interface SweepResultRow {
  exponents: readonly [number, number]
  weights: WeightPair
  configId: number
  n: number
  nan: number
  failed: number
  /** JSON of the section-5 statistics when accuracies were given. */
  stats: string | null
}

interface JobRow {
  id: string
  kind: JobKind
  state: JobState
  spec: string
  total: number
  done: number
  nan: number
  failed: number
  runner_pid: number | null
  runner_identity: string | null
  error: string | null
  created_at: string
  updated_at: string
}

const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`

/** The jobs tables of the cache file (migration 2). Synchronous, like the rest of the store. */
export class JobStore {
  constructor(
    private readonly db: Database.Database,
    private readonly guard: <T>(doing: string, fn: () => T) => T,
  ) {}

  /** Creates a queued job with its architectures, in one transaction. */
  create(job: { id: string; kind: JobKind; spec: string; total: number }, archs: readonly string[]): void {
    this.guard('create a job in', () =>
      this.db
        .transaction(() => {
          this.db.prepare(`INSERT INTO jobs (id, kind, state, spec, total) VALUES (?, ?, 'queued', ?, ?)`).run(job.id, job.kind, job.spec, job.total)
          const insert = this.db.prepare('INSERT INTO job_archs (job_id, position, arch) VALUES (?, ?, ?)')
          archs.forEach((arch, position) => insert.run(job.id, position, arch))
        })
        .immediate(),
    )
  }

  /** The job, or null when there is none with that id. */
  get(id: string): JobRecord | null {
    const row = this.guard('read', () => this.db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?').get(id))
    return row ? toRecord(row) : null
  }

  /** Every job, newest first. */
  list(): JobRecord[] {
    return this.guard('read', () => this.db.prepare<[], JobRow>('SELECT * FROM jobs ORDER BY created_at DESC, id').all().map(toRecord))
  }

  /** The job's architectures in their original order. */
  archs(id: string): string[] {
    return this.guard('read', () => this.db.prepare<[string], string>('SELECT arch FROM job_archs WHERE job_id = ? ORDER BY position').pluck().all(id))
  }

  /** Moves the job to `state`; the runner (PID and identity) is set while running and cleared otherwise. */
  setState(id: string, state: JobState, details: { runnerPid?: number | null; runnerIdentity?: string | null; error?: string | null } = {}): void {
    this.guard('update a job in', () =>
      this.db
        .prepare(`UPDATE jobs SET state = ?, runner_pid = ?, runner_identity = ?, error = ?, updated_at = ${NOW} WHERE id = ?`)
        .run(state, details.runnerPid ?? null, details.runnerIdentity ?? null, details.error ?? null, id),
    )
  }

  /** Stores the job's counters. */
  setProgress(id: string, progress: { done: number; nan: number; failed: number }): void {
    this.guard('update a job in', () =>
      this.db
        .prepare(`UPDATE jobs SET done = ?, nan = ?, failed = ?, updated_at = ${NOW} WHERE id = ?`)
        .run(progress.done, progress.nan, progress.failed, id),
    )
  }

  /** Records failed architectures (a later failure of the same arch and pair replaces the earlier one). */
  recordFailures(id: string, failures: readonly JobFailure[]): void {
    if (failures.length === 0) return
    this.guard('record failures in', () =>
      this.db
        .transaction(() => {
          const insert = this.db.prepare('INSERT OR REPLACE INTO job_failures (job_id, w_low, w_high, arch, code, message) VALUES (?, ?, ?, ?, ?, ?)')
          for (const f of failures) insert.run(id, f.weights[0], f.weights[1], f.arch, f.code, f.message)
        })
        .immediate(),
    )
  }

  /** Failures of the job. */
  failures(id: string): JobFailure[] {
    const rows = this.guard('read', () =>
      this.db
        .prepare<[string], { w_low: number; w_high: number; arch: string; code: string; message: string }>(
          'SELECT w_low, w_high, arch, code, message FROM job_failures WHERE job_id = ? ORDER BY w_low, w_high, arch',
        )
        .all(id),
    )
    return rows.map((r) => ({ weights: [r.w_low, r.w_high] as const, arch: r.arch, code: r.code, message: r.message }))
  }

  /** Forgets the failures of a job before it runs again (they are retried). */
  clearFailures(id: string): void {
    this.guard('update a job in', () => this.db.prepare('DELETE FROM job_failures WHERE job_id = ?').run(id))
  }

  /** Stores the per-pair results of a sweep, replacing earlier ones of the same pairs. */
  putSweepResults(id: string, rows: readonly SweepResultRow[]): void {
    this.guard('write sweep results to', () =>
      this.db
        .transaction(() => {
          const insert = this.db.prepare(
            'INSERT OR REPLACE INTO sweep_results (job_id, exp_low, exp_high, w_low, w_high, config_id, n, nan, failed, stats) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          )
          for (const r of rows) insert.run(id, r.exponents[0], r.exponents[1], r.weights[0], r.weights[1], r.configId, r.n, r.nan, r.failed, r.stats)
        })
        .immediate(),
    )
  }

  /** Per-pair results of a sweep, by exponents. */
  sweepResults(id: string): SweepResultRow[] {
    const rows = this.guard('read', () =>
      this.db
        .prepare<[string], { exp_low: number; exp_high: number; w_low: number; w_high: number; config_id: number; n: number; nan: number; failed: number; stats: string | null }>(
          'SELECT * FROM sweep_results WHERE job_id = ? ORDER BY exp_low, exp_high',
        )
        .all(id),
    )
    return rows.map((r) => ({
      exponents: [r.exp_low, r.exp_high] as const,
      weights: [r.w_low, r.w_high] as const,
      configId: r.config_id,
      n: r.n,
      nan: r.nan,
      failed: r.failed,
      stats: r.stats,
    }))
  }
}

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    spec: row.spec,
    total: row.total,
    done: row.done,
    nan: row.nan,
    failed: row.failed,
    runnerPid: row.runner_pid,
    runnerIdentity: row.runner_identity,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}
