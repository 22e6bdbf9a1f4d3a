import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { epsinas, tempDir } from '../cli/helpers.ts'
import { openStore } from '../../src/main/store/index.ts'
import { bundledCatalogueData, findItem } from '../../src/main/benchmarks/catalogue.ts'
import { importItem } from '../../src/main/benchmarks/install/index.ts'
import { installFixture, randomCifar10 } from './install-fixture.ts'
import { writeTarGz } from './readers/helpers.ts'

const ARCHS = ['|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|', '|skip_connect~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|']
const FAST = ['--batch', '8', '--workers', '1', '--no-progress']

describe('--input real: the cache key names the installed data', () => {
  let dir: string
  let cleanup: () => void
  let archs: string
  let db: string
  const homes: Record<'a' | 'b', string> = { a: '', b: '' }
  beforeAll(async () => {
    ;({ dir, cleanup } = tempDir())
    archs = join(dir, 'archs.txt')
    writeFileSync(archs, `${ARCHS.join('\n')}\n`)
    db = join(dir, 'shared.db')
    for (const [key, seed] of [['a', 7], ['b', 8]] as const) {
      homes[key] = join(dir, `home-${key}`)
      const archive = writeTarGz(join(dir, `src-${key}`), 'cifar-10-binary.tar.gz', randomCifar10(6, seed))
      await installFixture(homes[key], 'cifar10-binary', archive)
    }
  })
  afterAll(() => cleanup())

  const score = (home: string, out: string, database = db): ReturnType<typeof epsinas> =>
    epsinas(['score', '--archs', archs, '--input', 'real', ...FAST, '--db', database, '--out', out], { EPSINAS_HOME: home })
  const epsilons = (path: string): string[] => (parse(readFileSync(path, 'utf8'), { columns: true }) as Array<Record<string, string>>).map((r) => r.epsilon)

  test('a different cifar10-binary in another home is scored again, not served from the cache', () => {
    const first = score(homes.a, join(dir, 'a.csv'))
    expect(first.stderr).toContain('2 scored now')
    expect(first.status).toBe(0)
    const second = score(homes.b, join(dir, 'b.csv'))
    expect(second.stderr).toContain('2 scored now')
    expect(second.status).toBe(0)
    expect(epsilons(join(dir, 'b.csv'))).not.toEqual(epsilons(join(dir, 'a.csv')))
    // The first home's data is still what its key names: its values come back from the cache.
    const again = score(homes.a, join(dir, 'a-again.csv'))
    expect(again.stderr).toContain('2 from the cache')
    expect(epsilons(join(dir, 'a-again.csv'))).toEqual(epsilons(join(dir, 'a.csv')))
    // Two configurations, each keyed by the SHA-256s of its installed files.
    const store = openStore(db)
    try {
      const inputs = store.listConfigs().map((c) => c.input)
      expect(inputs).toHaveLength(2) // (the next test adds a third: the extracted folder)
      for (const input of inputs) expect(input).toMatch(/^real:[0-9a-f]{16}$/)
      expect(new Set(inputs).size).toBe(2)
    } finally {
      store.close()
    }
  })

  test('an extracted cifar-10-batches-bin folder imports with the bundled catalogue and scores like its archive', () => {
    // The same images as home a, extracted: `tar xzf cifar-10-binary.tar.gz` leaves cifar-10-batches-bin/.
    const extracted = join(dir, 'extracted')
    for (const { name, data } of randomCifar10(6, 7)) {
      mkdirSync(join(extracted, 'cifar-10-batches-bin'), { recursive: true })
      writeFileSync(join(extracted, name), data)
    }
    const home = join(dir, 'home-extracted')
    const imported = epsinas(['data', 'import', 'cifar10-binary', extracted, '--data-dir', home])
    expect(imported.stdout).toContain('imported cifar-10-binary.tar.gz as its extracted folder cifar-10-batches-bin/ (5 files')
    expect(imported.stdout).toContain('cifar10-binary: ready')
    expect(imported.status).toBe(0)
    const run = score(home, join(dir, 'extracted.csv'))
    // Another installed form is another key; the images, and so the values, are home a's.
    expect(run.stderr).toContain('2 scored now')
    expect(epsilons(join(dir, 'extracted.csv'))).toEqual(epsilons(join(dir, 'a.csv')))
  })

  test('an extracted cifar-100-binary folder imports too', async () => {
    const extracted = join(dir, 'extracted-100', 'cifar-100-binary')
    mkdirSync(extracted, { recursive: true })
    writeFileSync(join(extracted, 'train.bin'), Buffer.alloc(3074 * 4, 1))
    const item = findItem(bundledCatalogueData(), 'cifar100-binary')
    const result = await importItem(item, join(dir, 'extracted-100'), { dataDir: join(dir, 'home-100') })
    expect(result.imported.map((f) => f.folder)).toEqual([{ name: 'cifar-100-binary', files: 1 }])
    expect(result.status.state).toBe('ready')
  })

  test('scores cached under the old bare `real` key (no data identity) are never served', () => {
    const row = (parse(readFileSync(join(dir, 'a.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>)[0]
    const database = join(dir, 'legacy.db')
    const store = openStore(database)
    try {
      const key = { space: 'nb201', dataset: 'cifar10', classes: 10, imageSize: 32, input: 'real', inputSeed: 0, batchSize: 8, weights: [Number(row.w_low), Number(row.w_high)] as const, engine: row.engine }
      store.putMany(store.configId(key), ARCHS.map((arch) => ({ arch, epsilon: 123, nanReason: null, ms: 1, canonical: null })))
    } finally {
      store.close()
    }
    const run = score(homes.a, join(dir, 'legacy.csv'), database)
    expect(run.stderr).toContain('2 scored now')
    expect(epsilons(join(dir, 'legacy.csv'))).toEqual(epsilons(join(dir, 'a.csv')))
  })

  test('a dataset copied in by hand (never verified) is refused, not scored', () => {
    const home = join(dir, 'home-by-hand')
    const item = join(home, 'benchmarks', 'cifar10-binary')
    mkdirSync(item, { recursive: true })
    copyFileSync(join(dir, 'src-a', 'cifar-10-binary.tar.gz'), join(item, 'cifar-10-binary.tar.gz'))
    const database = join(dir, 'by-hand.db')
    const run = score(home, join(dir, 'by-hand.csv'), database)
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/--input real needs cifar10-binary installed and verified, but it is partial .*: cifar-10-binary\.tar\.gz has not been verified \(epsinas data verify cifar10-binary\)/)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
  })
})
