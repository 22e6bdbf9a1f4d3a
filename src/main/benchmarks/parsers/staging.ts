import type { Statement } from 'better-sqlite3'
import { EpsinasError } from '../../../shared/errors.ts'
import type { BenchmarkStore } from '../../store/benchmarks.ts'

let nextId = 0

/**
 * A private temporary database attached to the store's connection, where an importer writes
 * while it parses. Memory stays bounded (SQLite spills it to a temporary file), the cache file is
 * not locked while a long file is read, and the real tables change only in `commit`, one short
 * transaction: a source that turns out broken half-way leaves them untouched.
 */
export class Staging {
  /** Schema name to prefix staging tables with (`${schema}.table`). */
  readonly schema: string
  private closed = false

  /** Attaches the staging database and runs `ddl(schema)` in it. */
  constructor(
    readonly store: BenchmarkStore,
    ddl: (schema: string) => string,
  ) {
    this.schema = `staging_${process.pid}_${nextId++}`
    store.guard('prepare an import into', () => {
      // '' = a private temporary database on disk, deleted when detached.
      store.db.exec(`ATTACH DATABASE '' AS ${this.schema}`)
      store.db.pragma(`${this.schema}.journal_mode = OFF`)
      store.db.pragma(`${this.schema}.synchronous = OFF`)
      store.db.exec(ddl(this.schema))
    })
  }

  /** Prepares a statement that may use the staging schema. */
  prepare(sql: string): Statement {
    return this.store.guard('prepare an import into', () => this.store.db.prepare(sql))
  }

  /** A buffered writer for one statement: rows are inserted `size` at a time, each batch one transaction. */
  writer(sql: string, size = 2000): StagingWriter {
    return new StagingWriter(this, this.prepare(sql), size)
  }

  /** Runs `fn` in one transaction that only touches staging tables. */
  batch(fn: () => void): void {
    this.store.guard('stage an import in', () => this.store.db.transaction(fn)())
  }

  /**
   * Replaces the benchmark's rows in one IMMEDIATE transaction: `replace(schema)` deletes the old
   * rows, copies the staged ones and returns how many it wrote; benchmark_imports records the
   * source and that count, which is returned. The new rows are current (no stale mark) and of no
   * catalogue item until the conversion that ran the import records one.
   */
  commit(record: { benchmark: string; format: string; source: string }, replace: (schema: string) => number): number {
    return this.store.guard('write the import into', () =>
      this.store.db
        .transaction(() => {
          const items = replace(this.schema)
          this.store.db
            .prepare(
              `INSERT INTO main.benchmark_imports (benchmark, format, source, items) VALUES (?, ?, ?, ?)
               ON CONFLICT (benchmark) DO UPDATE SET format = excluded.format, source = excluded.source,
                 items = excluded.items, imported_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), item = NULL, stale = NULL`,
            )
            .run(record.benchmark, record.format, record.source, items)
          return items
        })
        .immediate(),
    )
  }

  /** Detaches (and so deletes) the staging database; safe to call twice. */
  close(): void {
    if (this.closed || !this.store.db.open) return
    this.closed = true
    this.store.db.exec(`DETACH DATABASE ${this.schema}`)
  }
}

/** Buffers rows for one prepared statement. */
export class StagingWriter {
  private rows: unknown[][] = []

  constructor(
    private readonly staging: Staging,
    private readonly statement: Statement,
    private readonly size: number,
  ) {}

  add(row: unknown[]): void {
    this.rows.push(row)
    if (this.rows.length >= this.size) this.flush()
  }

  flush(): void {
    if (this.rows.length === 0) return
    const rows = this.rows
    this.rows = []
    this.staging.batch(() => {
      for (const row of rows) this.statement.run(...row)
    })
  }
}

/** Throws CANCELLED when the import's signal has fired. */
export function checkAborted(signal: AbortSignal | undefined, path: string): void {
  if (signal?.aborted) throw new EpsinasError('CANCELLED', `import of ${path} cancelled; nothing was written`)
}
