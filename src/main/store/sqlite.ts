import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { EpsinasError } from '../../shared/errors.ts'
import { migrate } from './migrations.ts'

/**
 * Opens (creating when missing) the cache file at `path`, migrated to the latest schema, and hands
 * the connection to `wrap`. The score store and the benchmark tables share this file; each opens
 * its own connection, which WAL lets coexist. Throws STORE_FAILED naming `what`, the path and the
 * reason on one line, and never leaves the connection open after a failure.
 */
export function openCacheFile<T>(path: string, what: string, options: { foreignKeys: boolean }, wrap: (fullPath: string, db: Database.Database) => T): T {
  const fullPath = resolve(path)
  let db: Database.Database | undefined
  try {
    mkdirSync(dirname(fullPath), { recursive: true })
    db = new Database(fullPath)
    // The first statement reads the header, so a non-SQLite file fails here, before any write.
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    if (options.foreignKeys) db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    migrate(db)
    return wrap(fullPath, db)
  } catch (error) {
    if (db?.open) db.close()
    const reason = error instanceof Error ? error.message : String(error)
    throw new EpsinasError('STORE_FAILED', oneLine(`Cannot open ${what} at ${fullPath}: ${reason}`))
  }
}

/** SQLite messages can span lines; errors are shown on one. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ')
}
