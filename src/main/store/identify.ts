import type Database from 'better-sqlite3'
import { MIGRATIONS, type Migration } from './migrations.ts'

/**
 * `PRAGMA application_id` of an epsinas cache file: "EPSN" in ASCII. SQLite keeps it in the file
 * header, so `file(1)` and we can tell our files from other applications' databases.
 */
export const APPLICATION_ID = 0x4550534e

/** What a SQLite file is to us, decided from its header and table names before anything is written. */
export type CacheFileIdentity =
  /** No tables, no version, no id: a new (or 0-byte) file, ours to create. */
  | { kind: 'new' }
  /** Ours: stamped with our id, or written by a version of this app from before the id (stamped: false). */
  | { kind: 'ours'; stamped: boolean }
  /** Another application's database: we must not change a byte of it. */
  | { kind: 'foreign'; reason: string }

/**
 * Identifies the database behind `db` by reading only: its application_id, then (for files
 * written before we stamped one) its user_version and the tables our migrations up to that
 * version create. Throws SQLite's own error for a file that is not a database at all.
 */
export function identifyCacheFile(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): CacheFileIdentity {
  const applicationId = db.pragma('application_id', { simple: true }) as number
  if (applicationId === APPLICATION_ID) return { kind: 'ours', stamped: true }
  if (applicationId !== 0) return { kind: 'foreign', reason: `its application_id is ${applicationId}, not epsinas's ${APPLICATION_ID}` }

  const version = db.pragma('user_version', { simple: true }) as number
  const tables = new Set(db.prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all())
  if (version === 0) {
    return tables.size === 0 ? { kind: 'new' } : { kind: 'foreign', reason: `it has tables (${describeTables(tables)}) but no epsinas schema version` }
  }
  // Every version this app ever wrote before stamping the id is one of ours; a newer one would carry the id.
  if (version > migrations.length) return { kind: 'foreign', reason: `its schema version ${version} is not one epsinas wrote and it has no epsinas application_id` }
  const missing = [...tablesUpTo(migrations, version)].filter((name) => !tables.has(name))
  if (missing.length > 0) {
    return { kind: 'foreign', reason: `its schema version ${version} lacks the epsinas tables ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}` }
  }
  return { kind: 'ours', stamped: false }
}

/** Tables a file has once migrations 1..version ran: parsed from their SQL, so a new migration needs no list kept beside it. */
function tablesUpTo(migrations: readonly Migration[], version: number): Set<string> {
  const tables = new Set<string>()
  for (const step of migrations.slice(0, version)) {
    for (const match of step.sql.matchAll(/\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?["`]?(\w+)/gi)) tables.add(match[1])
    for (const match of step.sql.matchAll(/\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?["`]?(\w+)/gi)) tables.delete(match[1])
  }
  return tables
}

function describeTables(tables: ReadonlySet<string>): string {
  const names = [...tables].sort()
  return `${names.slice(0, 3).join(', ')}${names.length > 3 ? `, ... ${names.length} in all` : ''}`
}
