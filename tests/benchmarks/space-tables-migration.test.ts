import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, test } from 'vitest'
import { installedAccuracies } from '../../src/main/benchmarks/installed-accuracies.ts'
import { APPLICATION_ID } from '../../src/main/store/identify.ts'
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../src/main/store/migrations.ts'
import { benchmarkImport, openBenchmarkStore, spaceAccuracies, spaceArchsByIndex, spaceCosts } from '../../src/main/store/benchmarks.ts'
import { useTempDir } from './parsers/helpers.ts'

const tmp = useTempDir('space-tables')
const ARCH = '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|'
const OTHER = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'

/** A cache as the app wrote it before migration 6: NB201 rows in the nb201_* tables. */
function version5Cache(name: string): string {
  const path = join(tmp(), name)
  const db = new Database(path)
  migrate(db, MIGRATIONS.slice(0, 5))
  db.pragma(`application_id = ${APPLICATION_ID}`)
  db.exec(`
    INSERT INTO benchmark_imports (benchmark, format, source, items, item) VALUES ('nb201', 'nats-tss-simple', '/data/NATS-tss-v1_0-3ffb9-simple.tar', 2, 'nb201-nats-tss-simple');
    INSERT INTO nb201_archs VALUES ('${ARCH}', 7), ('${OTHER}', NULL);
    INSERT INTO nb201_accuracies VALUES ('${ARCH}', 'cifar10', 'ori-test', 200, 93.5, 92.5, 94.5, 3), ('${ARCH}', 'cifar10', 'ori-test', 12, 70.25, 70, 70.5, 2),
                                        ('${OTHER}', 'cifar100', 'x-test', 200, 1.5, 1, 2, 2);
    INSERT INTO nb201_costs VALUES ('${ARCH}', 'cifar10', 0.5, 70.25, 0.02);
  `)
  db.close()
  return path
}

function userVersion(path: string): number {
  const db = new Database(path, { readonly: true })
  try {
    return db.pragma('user_version', { simple: true }) as number
  } finally {
    db.close()
  }
}

describe('migration 6: the nb201_* tables become the per-space space_* tables', () => {
  test('an older cache read read-only keeps its NB201 data readable and the file unchanged', () => {
    const path = version5Cache('read-only.db')
    const before = readFileSync(path)
    const store = openBenchmarkStore(path, { readOnly: true })
    try {
      expect(spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200 })).toEqual(new Map([[ARCH, 93.5]]))
      expect(spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 12, stat: 'max' }).get(ARCH)).toBe(70.5)
    } finally {
      store.close()
    }
    expect(readFileSync(path).equals(before)).toBe(true)
    expect(userVersion(path)).toBe(5)
  })

  test('opened for writing, every NB201 row moves under space nb201 and the old tables go', () => {
    const path = version5Cache('writable.db')
    const store = openBenchmarkStore(path)
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION)
      expect(store.db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'nb201_%'").pluck().all()).toEqual([])
      expect(spaceAccuracies(store, 'nb201', 'cifar100', 'test', { epochs: 200, stat: 'min' })).toEqual(new Map([[OTHER, 1]]))
      expect(spaceCosts(store, 'nb201', 'cifar10').get(ARCH)).toEqual({ params: 0.5, flops: 70.25, latency: 0.02 })
      expect(spaceArchsByIndex(store, 'nb201')).toEqual(new Map([[7, ARCH]]))
      expect(store.db.prepare("SELECT count(*) FROM space_archs WHERE space = 'nb201'").pluck().get()).toBe(2)
      expect(benchmarkImport(store, 'nb201')?.item).toBe('nb201-nats-tss-simple')
      // What stats, sweeps and the Compare page read.
      const installed = installedAccuracies(store, 'nb201', 'cifar10', 'test', [ARCH, OTHER])
      expect(installed.accuracies).toEqual(new Map([[ARCH, 93.5]]))
      expect(installed.source).toMatchObject({ benchmark: 'nb201', item: 'nb201-nats-tss-simple', epochs: 200 })
    } finally {
      store.close()
    }
  })
})
