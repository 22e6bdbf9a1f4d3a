import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { convertItem } from '../../src/main/benchmarks/convert/index.ts'
import { downloadItem, importItem, verifyItem } from '../../src/main/benchmarks/install/index.ts'
import { spaceAccuracies, openBenchmarkStore } from '../../src/main/store/benchmarks.ts'
import { epsinas } from '../cli/helpers.ts'
import { FAST_RETRY, tempDir, testItem, writeCatalogue } from './download/fixtures.ts'
import { startServer } from './download/server.ts'
import { expectRejects } from './parsers/helpers.ts'
import { NATS_SAMPLE, natsSampleTar } from './nats-sample.ts'
import { makeTar } from './tar-writer.ts'

const PREFIX = 'NATS-tss-v1_0-3ffb9-simple'
const SAMPLE = join(import.meta.dirname, '..', 'fixtures', 'benchmarks', 'nats', 'sample')
/** Different valid content for the same file: the meta and two of the three archs. */
const TWO_ARCHS = makeTar([
  { name: `${PREFIX}/`, type: '5' },
  ...['meta.pickle.pbz2', '000000.pickle.pbz2', '000011.pickle.pbz2'].map((file) => ({ name: `${PREFIX}/${file}`, data: readFileSync(join(SAMPLE, file)) })),
])

/**
 * Issue 11 item 6, the window before any conversion: once an import (or download, or verify)
 * changes the item's files, its status says needs-conversion, so the rows converted from the older
 * files must be refused right away, not only after a conversion was attempted.
 */
describe('rows converted from files the item no longer has', () => {
  let dir: string
  let cleanup: () => void
  let common: string[]
  let database: string
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir('epsinas-replaced-'))
    const nats = testItem('nats', [{ name: `${PREFIX}.tar`, body: Buffer.alloc(1), urls: ['https://example.invalid/x'], checksum: null, exactSize: false, format: 'tar' }], {
      conversion: { needed: true, into: 'tables', parser: 'nb201-nats' },
    })
    common = ['--catalogue', writeCatalogue(dir, [nats]), '--data-dir', join(dir, 'data')]
    database = join(dir, 'epsinas.db')
  })
  afterAll(() => cleanup())

  const file = (name: string, bytes: Buffer | string): string => {
    const path = join(dir, name)
    writeFileSync(path, bytes)
    return path
  }
  const rows = (): number => {
    const store = openBenchmarkStore(database)
    try {
      return spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200 }).size
    } finally {
      store.close()
    }
  }

  test('are refused by stats as soon as data import replaces the file, and the next conversion reads the new rows', () => {
    expect(epsinas(['data', 'import', 'nats', file('three.tar', natsSampleTar()), ...common, '--copy']).status).toBe(0)
    expect(epsinas(['data', 'convert', 'nats', ...common, '--db', database, '--no-progress']).status).toBe(0)
    expect(rows()).toBe(3)
    const scores = file('scores.csv', `arch,epsilon\n${NATS_SAMPLE['000000'].arch},1\n${NATS_SAMPLE['000011'].arch},2\n`)
    expect(epsinas(['stats', '--scores', scores, '--db', database]).status).toBe(0)

    const replaced = epsinas(['data', 'import', 'nats', file('two.tar', TWO_ARCHS), ...common, '--copy'])
    expect(replaced.status).toBe(0)
    expect(replaced.stdout).toContain('nats: needs-conversion')
    // No conversion attempted yet: the status says needs-conversion, and stats agrees.
    const stats = epsinas(['stats', '--scores', scores, '--db', database])
    expect(stats.status).toBe(2)
    expect(stats.stderr).toMatch(/the nb201 tables of .*epsinas\.db are out of date: .*epsinas data convert nats/)
    expect(stats.stderr.trim().split('\n')).toHaveLength(1)

    expect(epsinas(['data', 'convert', 'nats', ...common, '--db', database, '--no-progress']).status).toBe(0)
    expect(rows()).toBe(2)
    expect(epsinas(['stats', '--scores', scores, '--db', database]).status).toBe(0)
  })
})

describe('marking the rows of replaced files in the cache files a conversion wrote', () => {
  test('never fails the import: a cache file gone is skipped, one not ours is left unchanged and said so', async () => {
    const { dir, cleanup } = tempDir('epsinas-replaced-api-')
    try {
      const item = testItem('nats', [{ name: `${PREFIX}.tar`, body: Buffer.alloc(1), urls: ['https://example.invalid/x'], checksum: null, exactSize: false, format: 'tar' }], {
        conversion: { needed: true, into: 'tables', parser: 'nb201-nats' },
      })
      const dataDir = join(dir, 'data')
      const source = (name: string, bytes: Buffer): string => {
        const path = join(dir, name)
        writeFileSync(path, bytes)
        return path
      }
      await importItem(item, source('three.tar', natsSampleTar()), { dataDir, mode: 'copy' })
      const gone = join(dir, 'gone.db')
      const foreign = join(dir, 'foreign.db')
      await convertItem(item, { dataDir, database: gone })
      await convertItem(item, { dataDir, database: foreign })
      rmSync(gone)
      rmSync(foreign)
      const other = new Database(foreign)
      other.exec('CREATE TABLE notes (text TEXT)')
      other.close()
      const before = readFileSync(foreign)

      const result = await importItem(item, source('two.tar', TWO_ARCHS), { dataDir, mode: 'copy' })
      expect(result.status.state).toBe('needs-conversion')
      expect(result.warnings).toHaveLength(1)
      expect(result.warnings[0]).toContain(`the rows of nats in ${foreign} could not be marked out of date`)
      expect(result.warnings[0]).toContain('not an epsinas cache file')
      expect(existsSync(gone)).toBe(false)
      expect(readFileSync(foreign).equals(before)).toBe(true)
    } finally {
      cleanup()
    }
  })
})

describe('a new download or a verification that changes the files', () => {
  test('marks the rows of the older files out of date before any conversion', async () => {
    const server = await startServer()
    const { dir, cleanup } = tempDir('epsinas-replaced-download-')
    try {
      server.route('/nats.tar', { body: natsSampleTar() })
      const item = testItem('nats', [{ name: `${PREFIX}.tar`, body: Buffer.alloc(1), urls: [server.url('/nats.tar')], checksum: null, exactSize: false, format: 'tar' }], {
        conversion: { needed: true, into: 'tables', parser: 'nb201-nats' },
      })
      const dataDir = join(dir, 'data')
      const database = join(dir, 'epsinas.db')
      const query = (): Promise<number> =>
        Promise.resolve().then(() => {
          const store = openBenchmarkStore(database)
          try {
            return spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200 }).size
          } finally {
            store.close()
          }
        })
      await downloadItem(item, { dataDir, retry: FAST_RETRY })
      await convertItem(item, { dataDir, database })
      expect(await query()).toBe(3)

      // The installed file is lost; the server now has different content, and the download takes it.
      rmSync(join(dataDir, 'benchmarks', 'nats', `${PREFIX}.tar`))
      server.route('/nats.tar', { body: TWO_ARCHS })
      const downloaded = await downloadItem(item, { dataDir, retry: FAST_RETRY })
      expect(downloaded.fetched).toEqual([`${PREFIX}.tar`])
      expect(downloaded.warnings).toEqual([])
      expect(downloaded.status.state).toBe('needs-conversion')
      await expectRejects(query(), 'BAD_FILE', /out of date/, /epsinas data convert nats/)
      await convertItem(item, { dataDir, database })
      expect(await query()).toBe(2)

      // A verification that finds the file changed on disk: the status is no longer ready, nor are the rows.
      writeFileSync(join(dataDir, 'benchmarks', 'nats', `${PREFIX}.tar`), natsSampleTar())
      const verified = await verifyItem(item, { dataDir })
      expect(verified.checked.map((c) => c.ok)).toEqual([false])
      expect(verified.status.state).not.toBe('ready')
      await expectRejects(query(), 'BAD_FILE', /out of date/, /epsinas data convert nats/)

      // The converted file put back: the status is ready again, and so are the rows, with no conversion.
      writeFileSync(join(dir, 'restored.tar'), TWO_ARCHS)
      const back = await importItem(item, join(dir, 'restored.tar'), { dataDir, mode: 'copy' })
      expect(back.status.state).toBe('ready')
      expect(await query()).toBe(2)
    } finally {
      await server.close()
      cleanup()
    }
  })
})
