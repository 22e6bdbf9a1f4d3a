import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { epsinas, tempDir } from '../cli/helpers.ts'
import { SeededRandom } from '../../src/main/core/random.ts'
import { installFixture } from './install-fixture.ts'
import { writeTarGz } from './readers/helpers.ts'

// Two archs with a parameter-free path (skip connections), so epsilon at (1e-7, 1) is finite and depends on the images.
const ARCHS = ['|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|', '|skip_connect~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|']
const FAST = ['--batch', '8', '--workers', '1', '--no-progress']

/**
 * CIFAR-10 binary batches of random images (label byte + 3072 pixels each): unlike a periodic
 * test pattern, their network outputs differ from image to image, so epsilon is finite.
 */
function randomCifar10(perFile: number): Array<{ name: string; data: Buffer }> {
  const random = new SeededRandom(7)
  return [1, 2, 3, 4, 5].map((file) => {
    const data = Buffer.alloc(perFile * 3073)
    for (let i = 0; i < data.length; i++) data[i] = i % 3073 === 0 ? (i / 3073) % 10 : Math.floor(random.nextFloat() * 256)
    return { name: `cifar-10-batches-bin/data_batch_${file}.bin`, data }
  })
}

describe('epsinas score --input real', () => {
  let dir: string
  let cleanup: () => void
  let home: string
  let archs: string
  beforeAll(async () => {
    ;({ dir, cleanup } = tempDir())
    home = join(dir, 'home')
    // Installed as `epsinas data import` does: <home>/benchmarks/cifar10-binary/<file> and its manifest.
    await installFixture(home, 'cifar10-binary', writeTarGz(join(dir, 'source'), 'cifar-10-binary.tar.gz', randomCifar10(6)))
    archs = join(dir, 'archs.txt')
    writeFileSync(archs, `${ARCHS.join('\n')}\n`)
  })
  afterAll(() => cleanup())

  const score = (out: string, ...extra: string[]): ReturnType<typeof epsinas> =>
    epsinas(['score', '--archs', archs, '--input', 'real', ...FAST, '--db', join(dir, 'real.db'), '--out', out, ...extra], { EPSINAS_HOME: home })
  const rows = (path: string): Array<Record<string, string>> => parse(readFileSync(path, 'utf8'), { columns: true }) as Array<Record<string, string>>

  test('scores on fixture CIFAR-10 images; the data seed is part of the job and the cache key', () => {
    const first = score(join(dir, 'seed3.csv'), '--data-seed', '3')
    expect(first.stderr).toContain('2 scored now')
    expect(first.status).toBe(0)
    const seed3 = rows(join(dir, 'seed3.csv'))
    // The input as the cache key stores it: `real:` and the installed data's identity.
    const input = expect.stringMatching(/^real:[0-9a-f]{16}$/)
    expect(seed3.map((r) => [r.input, r.input_seed, r.batch_size])).toEqual([[input, '3', '8'], [input, '3', '8']])
    for (const row of seed3) expect(Number.isFinite(Number(row.epsilon)) && row.epsilon !== '').toBe(true)

    const other = score(join(dir, 'seed4.csv'), '--data-seed', '4')
    expect(other.stderr).toContain('2 scored now')
    const seed4 = rows(join(dir, 'seed4.csv'))
    expect(seed4.map((r) => r.epsilon)).not.toEqual(seed3.map((r) => r.epsilon))

    const again = score(join(dir, 'again.csv'), '--data-seed', '3')
    expect(again.stderr).toContain('2 from the cache')
    expect(rows(join(dir, 'again.csv')).map((r) => r.epsilon)).toEqual(seed3.map((r) => r.epsilon))

    // Grey input on the same archs is another configuration, not a cache hit.
    const grey = epsinas(['score', '--archs', archs, ...FAST, '--db', join(dir, 'real.db'), '--out', join(dir, 'grey.csv')], { EPSINAS_HOME: home })
    expect(grey.stderr).toContain('2 scored now')
  })

  test('missing images name the command that installs them; --data-seed needs --input real', () => {
    const empty = join(dir, 'empty-home')
    mkdirSync(empty)
    const missing = epsinas(['score', '--archs', archs, '--input', 'real', ...FAST, '--db', join(dir, 'x.db')], { EPSINAS_HOME: empty })
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain('epsinas data download cifar10-binary')
    // Checked before the cache is opened: no database file, no job left behind.
    expect(existsSync(join(dir, 'x.db'))).toBe(false)
    const wrong = epsinas(['score', '--archs', archs, '--data-seed', '2', ...FAST, '--db', join(dir, 'x.db')])
    expect(wrong.status).toBe(2)
    expect(wrong.stderr).toContain('--data-seed chooses real images; use it with --input real')
  })
})
