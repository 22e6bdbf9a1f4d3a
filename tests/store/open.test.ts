import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, test } from 'vitest'
import { LATEST_VERSION, MIGRATIONS, migrate, openStore, type Migration } from '../../src/main/store/index.ts'
import { APPLICATION_ID } from '../../src/main/store/identify.ts'
import { configKey, expectEpsinasError, useTempDir } from './helpers.ts'

const tmp = useTempDir('open')

describe('openStore', () => {
  test('creates missing parent folders, migrates to the latest version and turns WAL on', () => {
    const path = join(tmp(), 'nested', 'deeper', 'cache.sqlite')
    const store = openStore(path)
    try {
      expect(store.path).toBe(path)
      expect(existsSync(path)).toBe(true)
      expect(store.schemaVersion()).toBe(LATEST_VERSION)
      expect(LATEST_VERSION).toBe(MIGRATIONS.length)
      expect(store.integrityCheck()).toBe('ok')
      expect(store.countScores()).toBe(0)
      expect(store.listConfigs()).toEqual([])
    } finally {
      store.close()
    }
    // Read the settings back through an independent connection: WAL is persistent in the file.
    const db = new Database(path, { readonly: true })
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION)
      const tables = db.prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all()
      expect(tables).toEqual([
        'benchmark_imports',
        'job_archs',
        'job_failures',
        'jobs',
        'native_proxy_scores',
        'nb101_models',
        'nbnlp_models',
        'nbnlp_runs',
        'proxy_keys',
        'proxy_scores',
        'score_configs',
        'scores',
        'space_accuracies',
        'space_archs',
        'space_costs',
        'sweep_evaluations',
        'sweep_results',
      ])
    } finally {
      db.close()
    }
  })

  test('reopening keeps configs and scores and does not re-run migrations', () => {
    const path = join(tmp(), 'reopen.sqlite')
    const first = openStore(path)
    const id = first.configId(configKey())
    first.putMany(id, [{ arch: 'a', epsilon: 0.5, nanReason: null, ms: 3, canonical: null }])
    first.close()

    const second = openStore(path)
    try {
      expect(second.schemaVersion()).toBe(LATEST_VERSION)
      expect(second.findConfigId(configKey())).toBe(id)
      expect(second.scoresFor(id)).toEqual([{ arch: 'a', epsilon: 0.5, nanReason: null, ms: 3, canonical: null }])
    } finally {
      second.close()
    }
  })

  test('close is idempotent', () => {
    const store = openStore(join(tmp(), 'close.sqlite'))
    store.close()
    expect(() => store.close()).not.toThrow()
  })
})

describe('openStore failures are STORE_FAILED naming the path and the reason on one line', () => {
  test('a path whose parent is a regular file', () => {
    const blocker = join(tmp(), 'blocker')
    writeFileSync(blocker, 'not a folder')
    const path = join(blocker, 'sub', 'cache.sqlite')
    const message = expectEpsinasError(() => openStore(path), 'STORE_FAILED', /ENOTDIR|not a directory/i)
    expect(message).toContain(path)
    expect(message).not.toContain('\n')
  })

  test('a path that is a folder', () => {
    const message = expectEpsinasError(() => openStore(tmp()), 'STORE_FAILED', /unable to open|directory/i)
    expect(message).toContain(tmp())
  })

  test('a file that is not a SQLite database, which is left untouched', () => {
    const path = join(tmp(), 'notes.sqlite')
    const text = 'arch,epsilon\n'.repeat(500)
    writeFileSync(path, text)
    const message = expectEpsinasError(() => openStore(path), 'STORE_FAILED', /not a database/i)
    expect(message).toContain(path)
    expect(message).not.toContain('\n')
    expect(readFileSync(path, 'utf8')).toBe(text)
  })

  test('a database from a newer schema version, which is left at its version', () => {
    const path = join(tmp(), 'future.sqlite')
    const future = LATEST_VERSION + 1
    const db = new Database(path)
    db.pragma(`user_version = ${future}`)
    // A newer epsinas stamps its files like this one does; without the id the file would be foreign.
    db.pragma(`application_id = ${APPLICATION_ID}`)
    db.close()

    const message = expectEpsinasError(() => openStore(path), 'STORE_FAILED', new RegExp(`version ${future}`), /newer/)
    expect(message).toContain(path)
    expect(message).not.toContain('\n')

    const check = new Database(path, { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(future)
    check.close()
  })
})

describe('migrate', () => {
  const jobs: Migration = { version: 2, description: 'jobs', sql: 'CREATE TABLE jobs (id INTEGER PRIMARY KEY);' }

  test('a failing step rolls back completely and leaves the file at the previous version', () => {
    const db = new Database(join(tmp(), 'migrate-fail.sqlite'))
    try {
      const broken: Migration = { version: 2, description: 'broken', sql: 'CREATE TABLE jobs (id INTEGER); CREATE TABLEX oops;' }
      expect(() => migrate(db, [MIGRATIONS[0], broken])).toThrow(/syntax error/)
      expect(db.pragma('user_version', { simple: true })).toBe(1)
      const tables = db.prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all()
      expect(tables).not.toContain('jobs')

      // A later run with the fixed step picks up from version 1.
      migrate(db, [MIGRATIONS[0], jobs])
      expect(db.pragma('user_version', { simple: true })).toBe(2)
      migrate(db, [MIGRATIONS[0], jobs]) // already there: a no-op
      expect(db.pragma('user_version', { simple: true })).toBe(2)
    } finally {
      db.close()
    }
  })

  test('rejects a migration list that is not numbered 1, 2, 3, ...', () => {
    const db = new Database(':memory:')
    try {
      expect(() => migrate(db, [jobs])).toThrow(/expected 1/)
      expect(() => migrate(db, [MIGRATIONS[0], { ...jobs, version: 3 }])).toThrow(/expected 2/)
      expect(db.pragma('user_version', { simple: true })).toBe(0)
    } finally {
      db.close()
    }
  })
})
