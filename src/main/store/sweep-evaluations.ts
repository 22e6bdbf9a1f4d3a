import type Database from 'better-sqlite3'

/** One stored evaluation of a sweep (migration 7); the services decide when it still holds. */
export interface SweepEvaluationRecord {
  jobId: string
  nanThreshold: number
  /** Where the accuracies came from: the file the sweep names. */
  accuracies: string
  /** SHA-256 (hex) of everything the harness read; a different digest means the stored one is out of date. */
  inputs: string
  /** The strategies judged and the harness revision. */
  harness: string
  /** The harness's JSON. */
  evaluation: string
  /** ISO time of storing. */
  evaluatedAt: string
}

interface EvaluationRow {
  job_id: string
  nan_threshold: number
  accuracies: string
  inputs: string
  harness: string
  evaluation: string
  evaluated_at: string
}

/** The sweep_evaluations table of the cache file. Synchronous, like the rest of the store. */
export class SweepEvaluationStore {
  constructor(
    private readonly db: Database.Database,
    private readonly guard: <T>(doing: string, fn: () => T) => T,
  ) {}

  /** Stores the evaluation of a job at a threshold, replacing an earlier one; the job must be in the file. */
  put(record: Omit<SweepEvaluationRecord, 'evaluatedAt'>): void {
    this.guard('store a sweep evaluation in', () =>
      this.db
        .prepare('INSERT OR REPLACE INTO sweep_evaluations (job_id, nan_threshold, accuracies, inputs, harness, evaluation) VALUES (?, ?, ?, ?, ?, ?)')
        .run(record.jobId, record.nanThreshold, record.accuracies, record.inputs, record.harness, record.evaluation),
    )
  }

  /** The stored evaluation of a job at a threshold, or null. */
  get(jobId: string, nanThreshold: number): SweepEvaluationRecord | null {
    const row = this.guard('read', () => this.db.prepare<[string, number], EvaluationRow>('SELECT * FROM sweep_evaluations WHERE job_id = ? AND nan_threshold = ?').get(jobId, nanThreshold))
    if (!row) return null
    return {
      jobId: row.job_id,
      nanThreshold: row.nan_threshold,
      accuracies: row.accuracies,
      inputs: row.inputs,
      harness: row.harness,
      evaluation: row.evaluation,
      evaluatedAt: row.evaluated_at,
    }
  }
}
