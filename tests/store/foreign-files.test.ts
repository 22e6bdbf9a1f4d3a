import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, test } from 'vitest'
import { LATEST_VERSION, MIGRATIONS, migrate, openStore } from '../../src/main/store/index.ts'
import { openBenchmarkStore } from '../../src/main/store/benchmarks.ts'
import { APPLICATION_ID } from '../../src/main/store/identify.ts'
import { epsinas } from '../cli/helpers.ts'

const BIN = join(import.meta.dirname, '../../bin/epsinas.mjs')
/** As root (as these tests run) file modes stop nothing; with setpriv a child can run as nobody, for whom they do. */
const AS_NOBODY = process.getuid?.() === 0 && spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']).status === 0
import { configKey, expectEpsinasError, useTempDir } from './helpers.ts'

const tmp = useTempDir('foreign')

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

/** Another application's SQLite file: its own tables, at `userVersion`, in rollback-journal mode. */
function foreignFile(name: string, userVersion: number): string {
  const path = join(tmp(), name)
  const db = new Database(path)
  db.exec(`CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO contacts (name) VALUES ('ada'), ('grace');`)
  db.exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`)
  db.pragma(`user_version = ${userVersion}`)
  db.close()
  return path
}

/** A cache as an earlier version of this app left it: migrated to `version`, no application_id, WAL on. */
function legacyCache(name: string, version: number): string {
  const path = join(tmp(), name)
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  migrate(db, MIGRATIONS.slice(0, version))
  db.close()
  return path
}

function applicationId(path: string): number {
  const db = new Database(path, { readonly: true })
  try {
    return db.pragma('application_id', { simple: true }) as number
  } finally {
    db.close()
  }
}

describe('a --db file of another application is refused and left byte-identical', () => {
  for (const [name, version] of [['version 0 with an unrelated table', 0], ['user_version 2 with unrelated tables', 2]] as const) {
    test(name, () => {
      const path = foreignFile(`foreign-v${version}.sqlite`, version)
      const before = sha256(path)
      for (const open of [() => openStore(path), () => openBenchmarkStore(path), () => openStore(path, { readOnly: true })]) {
        const message = expectEpsinasError(open, 'BAD_FILE', /not an epsinas cache file/, /left unchanged/)
        expect(message).toContain(path)
        expect(message).not.toContain('\n')
      }
      expect(sha256(path)).toBe(before)
      expect(existsSync(`${path}-wal`)).toBe(false)
      expect(existsSync(`${path}-shm`)).toBe(false)
    })
  }

  test('through the CLI: one line on stderr, exit status 2, the file unchanged', () => {
    const path = foreignFile('foreign-cli.sqlite', 2)
    const before = sha256(path)
    for (const args of [['jobs', 'list'], ['score', '--limit', '1']]) {
      const run = epsinas([...args, '--db', path, '--no-progress'].filter((a) => !(args[0] === 'jobs' && a === '--no-progress')))
      expect(run.status).toBe(2)
      expect(run.stderr.trim().split('\n')).toHaveLength(1)
      expect(run.stderr).toMatch(/not an epsinas cache file/)
    }
    expect(sha256(path)).toBe(before)
  })
})

describe('our own files are recognised and stamped with the application_id', () => {
  test('a new file and a 0-byte file are created as ours', () => {
    const fresh = join(tmp(), 'fresh.sqlite')
    const empty = join(tmp(), 'empty.sqlite')
    writeFileSync(empty, '')
    for (const path of [fresh, empty]) {
      openStore(path).close()
      expect(applicationId(path)).toBe(APPLICATION_ID)
    }
  })

  test('files of earlier versions (no application_id) keep their data, migrate and get stamped', () => {
    for (const version of [1, 2, LATEST_VERSION]) {
      const path = legacyCache(`legacy-v${version}.sqlite`, version)
      const db = new Database(path)
      db.prepare(`INSERT INTO score_configs (space, dataset, classes, image_size, input, input_seed, batch_size, w_low, w_high, engine) VALUES ('nb201', 'cifar10', 10, 32, 'grey', 0, 256, 1e-7, 1, 'collapsed/ts@1')`).run()
      db.close()
      const store = openStore(path)
      try {
        expect(store.schemaVersion()).toBe(LATEST_VERSION)
        expect(store.listConfigs()).toHaveLength(1)
      } finally {
        store.close()
      }
      expect(applicationId(path)).toBe(APPLICATION_ID)
    }
  })
})

describe('read-only opening never writes', () => {
  /** A cache with one config, one score and one job, closed (WAL checkpointed, no -wal/-shm left). */
  function populatedCache(name: string): string {
    const dir = join(tmp(), name)
    mkdirSync(dir)
    const path = join(dir, 'cache.sqlite')
    const store = openStore(path)
    store.putMany(store.configId(configKey()), [{ arch: 'a', epsilon: 0.5, nanReason: null, ms: 1, canonical: null }])
    store.jobs.create({ id: 'jread0001', kind: 'score', spec: '{}', total: 1 }, ['a'])
    store.close()
    expect(existsSync(`${path}-wal`)).toBe(false)
    return path
  }

  function fingerprint(path: string): { sha: string; mtimeMs: number; siblings: boolean } {
    return { sha: sha256(path), mtimeMs: statSync(path).mtimeMs, siblings: existsSync(`${path}-wal`) || existsSync(`${path}-shm`) }
  }

  test('openStore(path, { readOnly: true }) reads a 0444 file in a 0555 folder: bytes, mtime unchanged, no -wal/-shm; writes fail', () => {
    const path = populatedCache('ro-store')
    chmodSync(path, 0o444)
    chmodSync(join(path, '..'), 0o555)
    try {
      const before = fingerprint(path)
      const store = openStore(path, { readOnly: true })
      try {
        expect(store.countScores()).toBe(1)
        expect(store.jobs.list().map((job) => job.id)).toEqual(['jread0001'])
        // Root ignores file modes, so the write must be refused by the connection itself.
        expectEpsinasError(() => store.configId(configKey({ inputSeed: 9 })), 'STORE_FAILED', /readonly|query_only/i)
      } finally {
        store.close()
      }
      expect(fingerprint(path)).toEqual({ ...before, siblings: false })
    } finally {
      chmodSync(join(path, '..'), 0o755)
    }
  })

  test('an older-schema cache is read (migrated in memory only) and a missing one is not created', () => {
    const path = legacyCache('ro-legacy.sqlite', 2)
    const before = fingerprint(path)
    const store = openStore(path, { readOnly: true })
    try {
      expect(store.schemaVersion()).toBe(LATEST_VERSION)
      expect(store.jobs.list()).toEqual([])
    } finally {
      store.close()
    }
    expect(fingerprint(path)).toEqual(before)
    expect(applicationId(path)).toBe(0)

    const missing = join(tmp(), 'missing-folder', 'cache.sqlite')
    openBenchmarkStore(missing, { readOnly: true }).close()
    expect(existsSync(join(tmp(), 'missing-folder'))).toBe(false)
  })

  test.skipIf(!AS_NOBODY)('as a user who cannot write the 0444 file or its 0555 folder, `jobs list` still lists the jobs', () => {
    const path = populatedCache('ro-nobody')
    chmodSync(tmp(), 0o755)
    chmodSync(path, 0o444)
    chmodSync(join(path, '..'), 0o555)
    try {
      const before = fingerprint(path)
      const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'jobs', 'list', '--db', path], { encoding: 'utf8', env: { ...process.env, HOME: tmpdir() }, timeout: 120_000 })
      expect(run.stderr).toBe('')
      expect(run.stdout).toContain('jread0001')
      expect(run.status).toBe(0)
      expect(fingerprint(path)).toEqual(before)
    } finally {
      chmodSync(join(path, '..'), 0o755)
      chmodSync(tmp(), 0o700)
    }
  })

  test('`jobs list`, `jobs show` and `stats` open the cache read-only: an old-schema file is unchanged, no -wal/-shm appears', () => {
    // Schema version 2 and no application_id: a writable open would migrate and stamp it.
    const path = legacyCache('ro-cli.sqlite', 2)
    const db = new Database(path)
    db.prepare(`INSERT INTO jobs (id, kind, state, spec, total) VALUES ('jread0001', 'score', 'done', ?, 1)`).run(
      JSON.stringify({ kind: 'score', space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 256, engine: 'collapsed', backend: 'ts', pairs: [[1e-7, 1]] }),
    )
    db.close()
    const scores = join(tmp(), 'ro-scores.csv')
    writeFileSync(scores, 'arch,epsilon\n|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|,0.5\n')
    const before = fingerprint(path)
    const list = epsinas(['jobs', 'list', '--db', path])
    expect(list.stderr).toBe('')
    expect(list.stdout).toContain('jread0001')
    expect(fingerprint(path)).toEqual(before)
    const show = epsinas(['jobs', 'show', 'jread0001', '--db', path])
    expect(show.stdout + show.stderr).toContain('jread0001')
    expect(fingerprint(path)).toEqual(before)
    // No benchmark is installed: stats says so, and still writes nothing.
    const stats = epsinas(['stats', '--scores', scores, '--db', path])
    expect(stats.stderr).toMatch(/epsinas data/)
    expect(fingerprint(path)).toEqual(before)
  })
})
