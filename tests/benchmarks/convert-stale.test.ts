import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { convertItem } from '../../src/main/benchmarks/convert/index.ts'
import { importItem, itemStatus } from '../../src/main/benchmarks/install/index.ts'
import { listBenchmarkImports, spaceAccuracies, openBenchmarkStore } from '../../src/main/store/benchmarks.ts'
import { tempDir, testItem } from './download/fixtures.ts'
import { NATS_SAMPLE, natsSampleTar } from './nats-sample.ts'
import { expectRejects } from './parsers/helpers.ts'
import { epsinas } from '../cli/helpers.ts'

const TAR = natsSampleTar()
const TRUNCATED = TAR.subarray(0, TAR.length - 40_000)
const NATS = testItem('nats', [{ name: 'NATS-tss-v1_0-3ffb9-simple.tar', body: Buffer.alloc(1), urls: ['https://example.invalid/x'], checksum: null, exactSize: false, format: 'tar' }], {
  conversion: { needed: true, into: 'tables', parser: 'nb201-nats' },
})

/**
 * Issue 11 item 6: when the item's files are replaced and their conversion fails, the status says
 * needs-conversion, so the queries must not go on reading the rows of the old files as current.
 */
describe('a failed conversion of newer files', () => {
  let dir: string
  let cleanup: () => void
  let dataDir: string
  let database: string
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir('epsinas-convert-stale-'))
    dataDir = join(dir, 'data')
    database = join(dir, 'epsinas.db')
  })
  afterAll(() => cleanup())

  const file = (name: string, bytes: Buffer): string => {
    const path = join(dir, name)
    writeFileSync(path, bytes)
    return path
  }
  const withStore = <T>(fn: (store: ReturnType<typeof openBenchmarkStore>) => T): T => {
    const store = openBenchmarkStore(database)
    try {
      return fn(store)
    } finally {
      store.close()
    }
  }

  test('leaves the old rows refused with what to run, not silently read; a good conversion makes them current again', async () => {
    await importItem(NATS, file('nats.tar', TAR), { dataDir, mode: 'copy' })
    await convertItem(NATS, { dataDir, database })
    expect(withStore((store) => listBenchmarkImports(store).map((i) => [i.benchmark, i.item, i.stale]))).toEqual([['nb201', 'nats', null]])

    await importItem(NATS, file('truncated.tar', TRUNCATED), { dataDir, mode: 'copy' })
    await expectRejects(convertItem(NATS, { dataDir, database }), 'BAD_FILE', /truncated|unexpected end|ends inside/i)
    expect((await itemStatus(dataDir, NATS)).state).toBe('needs-conversion')
    await expectRejects(
      Promise.resolve().then(() => withStore((store) => spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200 }))),
      'BAD_FILE',
      /the nb201 tables of .*epsinas\.db are out of date/,
      /nats/,
      /epsinas data convert nats/,
    )
    // What the user runs next: stats refuses on one line instead of correlating with the old files' accuracies.
    const scores = join(dir, 'scores.csv')
    writeFileSync(scores, `arch,epsilon\n${NATS_SAMPLE['000000'].arch},1\n`)
    const stats = epsinas(['stats', '--scores', scores, '--db', database])
    expect(stats.status).toBe(2)
    expect(stats.stderr).toMatch(/out of date.*epsinas data convert nats/)
    expect(stats.stderr.trim().split('\n')).toHaveLength(1)

    await importItem(NATS, file('good-again.tar', TAR), { dataDir, mode: 'copy' })
    await convertItem(NATS, { dataDir, database })
    expect((await itemStatus(dataDir, NATS)).state).toBe('ready')
    expect(withStore((store) => spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200 }).size)).toBe(3)
  })

  test('re-converting the same files that fails (here: cancelled) keeps the rows current, as the status stays ready', async () => {
    expect((await itemStatus(dataDir, NATS)).state).toBe('ready')
    const abort = new AbortController()
    abort.abort()
    await expectRejects(convertItem(NATS, { dataDir, database, signal: abort.signal }), 'CANCELLED')
    expect((await itemStatus(dataDir, NATS)).state).toBe('ready')
    expect(withStore((store) => spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200 }).size)).toBe(3)
  })
})
