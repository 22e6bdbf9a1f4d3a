import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { convertItem, type ConvertProgress } from '../../src/main/benchmarks/convert/index.ts'
import { importItem, itemStatus } from '../../src/main/benchmarks/install/index.ts'
import { nb101Hash } from '../../src/main/core/spaces/nb101/index.ts'
import { listBenchmarkImports, spaceAccuracies, openBenchmarkStore, proxyScores } from '../../src/main/store/benchmarks.ts'
import { tempDir, testItem } from './download/fixtures.ts'
import { NATS_SAMPLE, natsSampleTar } from './nats-sample.ts'
import { expectRejects } from './parsers/helpers.ts'

const TAR = natsSampleTar()
// Cut inside the last member: the tar framing is broken after two good archs were read.
const TRUNCATED = TAR.subarray(0, TAR.length - 40_000)

/** A catalogue item converted by `parser`, whose one file has no published checksum (any bytes of the format pass). */
function item(id: string, name: string, format: 'tar' | 'json', parser: 'nb201-nats' | 'suite-zero') {
  return testItem(id, [{ name, body: Buffer.alloc(1), urls: ['https://example.invalid/x'], checksum: null, exactSize: false, format }], {
    conversion: { needed: true, into: 'tables', parser },
  })
}

describe('convertItem', () => {
  let dir: string
  let cleanup: () => void
  let dataDir: string
  let database: string
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir('epsinas-convert-'))
    dataDir = join(dir, 'data')
    database = join(dir, 'epsinas.db')
  })
  afterAll(() => cleanup())

  const file = (name: string, bytes: Buffer | string): string => {
    const path = join(dir, name)
    writeFileSync(path, bytes)
    return path
  }
  const nb201Count = (): number => {
    const store = openBenchmarkStore(database)
    try {
      return spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200 }).size
    } finally {
      store.close()
    }
  }

  test('runs the catalogue parser into the tables, reports progress and marks the item ready', async () => {
    const nats = item('nats', 'NATS-tss-v1_0-3ffb9-simple.tar', 'tar', 'nb201-nats')
    await importItem(nats, file('nats.tar', TAR), { dataDir, mode: 'copy' })
    expect((await itemStatus(dataDir, nats)).state).toBe('needs-conversion')
    const seen: ConvertProgress[] = []
    const result = await convertItem(nats, { dataDir, database, onProgress: (p) => seen.push(p) })
    expect(result.converted).toEqual([{ file: 'NATS-tss-v1_0-3ffb9-simple.tar', benchmark: 'nb201', items: 3, records: 4 }])
    expect(result.status.state).toBe('ready')
    expect(seen.at(-1)).toMatchObject({ phase: 'writing', file: 'NATS-tss-v1_0-3ffb9-simple.tar', index: 0, count: 1, totalBytes: TAR.length })
    const store = openBenchmarkStore(database)
    try {
      expect(spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200 }).get(NATS_SAMPLE['000000'].arch)).toBeCloseTo(85.8633, 4)
      expect(listBenchmarkImports(store).map((i) => i.benchmark)).toEqual(['nb201'])
    } finally {
      store.close()
    }
  })

  test('a replaced file needs converting again; a truncated one fails with its place, leaves the rows in place but refused (stale)', async () => {
    const nats = item('nats', 'NATS-tss-v1_0-3ffb9-simple.tar', 'tar', 'nb201-nats')
    expect((await itemStatus(dataDir, nats)).state).toBe('ready')
    await importItem(nats, file('truncated.tar', TRUNCATED), { dataDir, mode: 'copy' })
    expect((await itemStatus(dataDir, nats)).state).toBe('needs-conversion')
    await expectRejects(convertItem(nats, { dataDir, database }), 'BAD_FILE', /NATS-tss-v1_0-3ffb9-simple\.tar/, /truncated|unexpected end|ends inside/i)
    const store = openBenchmarkStore(database)
    try {
      expect(store.db.prepare<[], number>("SELECT count(*) FROM space_accuracies WHERE space = 'nb201'").pluck().get()).toBeGreaterThan(0)
    } finally {
      store.close()
    }
    await expectRejects(Promise.resolve().then(nb201Count), 'BAD_FILE', /out of date/)
    expect((await itemStatus(dataDir, nats)).state).toBe('needs-conversion')
    // The good file back: converted again, the rows are current.
    await importItem(nats, file('nats.tar', TAR), { dataDir, mode: 'copy' })
    await convertItem(nats, { dataDir, database })
    expect(nb201Count()).toBe(3)
  })

  test('a cancelled conversion writes nothing', async () => {
    const other = item('nats-two', 'NATS-tss-v1_0-3ffb9-simple.tar', 'tar', 'nb201-nats')
    await importItem(other, file('nats2.tar', TAR), { dataDir, mode: 'copy' })
    const abort = new AbortController()
    abort.abort()
    await expectRejects(convertItem(other, { dataDir, database, signal: abort.signal }), 'CANCELLED', /nothing was written/)
    expect((await itemStatus(dataDir, other)).state).toBe('needs-conversion')
    expect(nb201Count()).toBe(3)
  })

  test('Suite-Zero NB101 keys are hashed with the official module hash, without NAS-Bench-101 installed', async () => {
    const zc = item('zc101', 'zc_nasbench101.json', 'json', 'suite-zero')
    // NASLib op order: 0 input, 1 output, 4 conv3x3: input -> conv3x3 -> output plus the skip edge.
    const key = '(0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 4, 1)'
    await importItem(zc, file('zc.json', JSON.stringify({ cifar10: { [key]: { synflow: { score: 12.5, time: 0.1 }, val_accuracy: 80.5 } } })), { dataDir, mode: 'copy' })
    const result = await convertItem(zc, { dataDir, database })
    expect(result.converted[0]).toMatchObject({ benchmark: 'suite-zero:nb101', items: 2 })
    const hash = nb101Hash({ matrix: [[0, 1, 1], [0, 0, 1], [0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'output'] })
    const store = openBenchmarkStore(database)
    try {
      expect(proxyScores(store, 'nb101', 'cifar10', 'synflow')).toEqual(new Map([[hash, 12.5]]))
    } finally {
      store.close()
    }
  })

  test('an item not installed, or needing no conversion, is refused with what to run', async () => {
    await expectRejects(convertItem(item('absent', 'a.tar', 'tar', 'nb201-nats'), { dataDir, database }), 'BAD_ARGUMENT', /absent is missing/, /epsinas data download absent/)
    const plain = testItem('plain', [{ name: 'p.tar.gz', body: Buffer.from([0x1f, 0x8b, 8, 0]), urls: ['https://example.invalid/p'] }])
    await importItem(plain, file('p.tar.gz', Buffer.from([0x1f, 0x8b, 8, 0])), { dataDir, mode: 'copy' })
    await expectRejects(convertItem(plain, { dataDir, database }), 'BAD_ARGUMENT', /plain needs no conversion/)
  })
})
