import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openStore } from '../../src/main/store/index.ts'
import { installFixture, randomCifar10 } from '../data/install-fixture.ts'
import { writeTarGz } from '../data/readers/helpers.ts'
import { epsinas, tempDir } from './helpers.ts'

const ARCHS = ['|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|', '|skip_connect~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|']
const FAST = ['--batch', '8', '--workers', '1', '--no-progress']

/**
 * The score files name the input as the cache key stores it: `real:<16 hex>` for installed data,
 * so two runs on different installed images are told apart in the files, not both `real`.
 */
describe('score files: the input column is the cache key', () => {
  let dir: string
  let cleanup: () => void
  let archs: string
  let db: string
  const homes: Record<'a' | 'b', string> = { a: '', b: '' }
  beforeAll(async () => {
    ;({ dir, cleanup } = tempDir())
    archs = join(dir, 'archs.txt')
    writeFileSync(archs, `${ARCHS.join('\n')}\n`)
    db = join(dir, 'scores.db')
    for (const [key, seed] of [['a', 7], ['b', 8]] as const) {
      homes[key] = join(dir, `home-${key}`)
      await installFixture(homes[key], 'cifar10-binary', writeTarGz(join(dir, `src-${key}`), 'cifar-10-binary.tar.gz', randomCifar10(6, seed)))
    }
  })
  afterAll(() => cleanup())

  const score = (home: string, out: string): void => {
    const run = epsinas(['score', '--archs', archs, '--input', 'real', ...FAST, '--db', db, '--out', out], { EPSINAS_HOME: home })
    expect(run.stderr).not.toMatch(/error/i)
    expect(run.status).toBe(0)
  }
  const csvInputs = (path: string): string[] => (parse(readFileSync(path, 'utf8'), { columns: true }) as Array<Record<string, string>>).map((r) => r.input)

  test('CSV and JSON show real:<16 hex> as stored, different per installed data, and read back into stats', () => {
    score(homes.a, join(dir, 'a.csv'))
    score(homes.b, join(dir, 'b.csv'))
    score(homes.b, join(dir, 'b.json'))
    const store = openStore(db)
    let stored: string[]
    try {
      stored = store.listConfigs().map((c) => c.input)
    } finally {
      store.close()
    }
    expect(new Set(stored).size).toBe(2)
    const [a, b] = [csvInputs(join(dir, 'a.csv')), csvInputs(join(dir, 'b.csv'))]
    expect(new Set(a).size).toBe(1)
    expect(a[0]).toMatch(/^real:[0-9a-f]{16}$/)
    expect(b[0]).toMatch(/^real:[0-9a-f]{16}$/)
    expect(b[0]).not.toBe(a[0])
    expect(new Set([a[0], b[0]])).toEqual(new Set(stored))
    const json = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8')) as { config: { input: string } }
    expect(json.config.input).toBe(b[0])

    // Reading score files back still works.
    const accuracies = join(dir, 'acc.csv')
    writeFileSync(accuracies, `arch,accuracy\n${ARCHS[0]},90\n${ARCHS[1]},80\n`)
    for (const file of ['a.csv', 'b.json']) {
      const stats = epsinas(['stats', '--scores', join(dir, file), '--accuracies', accuracies])
      expect(stats.stderr).toBe('')
      expect(stats.status).toBe(0)
      expect(stats.stdout).toMatch(/2/)
    }
  })
})
