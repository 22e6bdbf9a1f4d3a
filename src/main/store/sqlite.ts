import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { EpsinasError } from '../../shared/errors.ts'
import { APPLICATION_ID, identifyCacheFile } from './identify.ts'
import { LATEST_VERSION, migrate } from './migrations.ts'

/** How a cache file is opened. */
export interface OpenCacheOptions {
  foreignKeys: boolean
  /**
   * Read without writing a byte: no WAL switch, no migration, no -wal/-shm files, no file created.
   * For commands that only read (`jobs list`, `stats`), so a read-only cache still works for them.
   */
  readOnly?: boolean
}

/**
 * Opens the cache file at `path` and hands the connection to `wrap`. Writable (the default): creates
 * the file when missing and migrates it to the latest schema. The score store and the benchmark
 * tables share this file; each opens its own connection, which WAL lets coexist. A file that is
 * not ours (another application's SQLite database) is refused before anything is written, and left
 * byte-identical. Throws STORE_FAILED naming `what`, the path and the reason on one line, and never
 * leaves the connection open after a failure.
 */
export function openCacheFile<T>(path: string, what: string, options: OpenCacheOptions, wrap: (fullPath: string, db: Database.Database) => T): T {
  const fullPath = resolve(path)
  let db: Database.Database | undefined
  try {
    db = options.readOnly ? openReadOnly(fullPath) : openWritable(fullPath)
    if (options.foreignKeys) db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    return wrap(fullPath, db)
  } catch (error) {
    if (db?.open) db.close()
    const reason = error instanceof Error ? error.message : String(error)
    // A refused file keeps its code (BAD_FILE: the user chose it); SQLite's failures are STORE_FAILED.
    throw new EpsinasError(error instanceof EpsinasError ? error.code : 'STORE_FAILED', oneLine(`Cannot open ${what} at ${fullPath}: ${reason}`))
  }
}

function openWritable(fullPath: string): Database.Database {
  mkdirSync(dirname(fullPath), { recursive: true })
  const db = new Database(fullPath)
  try {
    // Identify before the first write: the WAL switch and the migrations would change (and could
    // half-migrate) another application's database. A non-SQLite file fails here, on the header read.
    const identity = identifyCacheFile(db)
    if (identity.kind === 'foreign') throw notOurs(identity.reason)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    migrate(db)
    // Files from before the application_id (and new ones) are stamped once their schema is ours.
    if (!(identity.kind === 'ours' && identity.stamped)) db.pragma(`application_id = ${APPLICATION_ID}`)
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

/**
 * A read-only view of the cache. Opening the file itself, even with SQLite's read-only flag, makes
 * SQLite create -wal and -shm files beside a WAL database (and fail in a read-only folder), so
 * unless a writer is live (a -wal file exists) the file is read once into memory and queried there.
 * That copy may be migrated in memory when the file is older than this app; it never goes back.
 */
function openReadOnly(fullPath: string): Database.Database {
  const db = readOnlyConnection(fullPath)
  try {
    const identity = identifyCacheFile(db)
    if (identity.kind === 'foreign') throw notOurs(identity.reason)
    const version = db.pragma('user_version', { simple: true }) as number
    if (db.memory) {
      migrate(db)
      // Writes to the private copy would vanish silently: make them fail like on a read-only file.
      db.pragma('query_only = ON')
    } else if (version < LATEST_VERSION) {
      throw new Error(`its schema version ${version} is older than this app's (${LATEST_VERSION}) and it is opened read-only while another process writes it; retry when that process is done`)
    } else {
      migrate(db) // at the latest version this only checks that the file is not from a newer app
    }
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

function readOnlyConnection(fullPath: string): Database.Database {
  // A missing or empty cache reads as an empty one; nothing is created for a command that only reads.
  if (!existsSync(fullPath) || statSync(fullPath).size === 0) return new Database(':memory:')
  if (!existsSync(`${fullPath}-wal`)) {
    const before = statSync(fullPath)
    const bytes = readFileSync(fullPath)
    const after = statSync(fullPath)
    // Unchanged while read and still no writer: the copy is one consistent state of the file.
    if (before.mtimeMs === after.mtimeMs && before.size === after.size && !existsSync(`${fullPath}-wal`)) {
      // Header bytes 18-19 are 2 in WAL mode; an in-memory copy has no -wal to consult, so read it
      // as a rollback-journal database (the copy only, the file keeps its mode).
      if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) bytes.fill(1, 18, 20)
      return new Database(bytes)
    }
  }
  // A live writer: only SQLite's own WAL reader sees its latest commits.
  return new Database(fullPath, { readonly: true, fileMustExist: true })
}

function notOurs(reason: string): EpsinasError {
  return new EpsinasError('BAD_FILE', `it is not an epsinas cache file (${reason}); it was left unchanged: give --db a file of its own`)
}

/** SQLite messages can span lines; errors are shown on one. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ')
}

/**
 * Runs `fn`, turning SQLite failures (disk full, locked past busy_timeout, closed store) into
 * STORE_FAILED naming the file (`target`, e.g. "the score cache at /x.db"); our own typed errors
 * pass through unchanged.
 */
export function guardSqlite<T>(doing: string, target: string, fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    if (error instanceof EpsinasError) throw error
    const reason = error instanceof Error ? error.message : String(error)
    throw new EpsinasError('STORE_FAILED', oneLine(`Cannot ${doing} ${target}: ${reason}`))
  }
}
