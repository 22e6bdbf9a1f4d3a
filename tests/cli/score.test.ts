import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openStore } from '../../src/main/store/index.ts'
import { epsinas, tempDir } from './helpers.ts'

// Small batches keep each arch at a few milliseconds; the code path is the one of batch 256.
const FAST = ['--batch', '8', '--workers', '2', '--no-progress']

const SHARING_ARCHS = [
  // Same effective network: node 1 and node 2 only feed `none` edges into node 3 in both.
  '|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|',
  '|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|',
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
]

describe('epsinas score', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())

  test('scores a seeded sample, writes CSV with the key columns, and a second run computes nothing', () => {
    const db = join(dir, 'sample.db')
    const out = join(dir, 'sample.csv')
    const first = epsinas(['score', '--limit', '12', '--seed', '5', ...FAST, '--db', db, '--out', out])
    expect(first.stderr).toContain('12 architectures: 12 scored now')
    expect(first.status).toBe(0)
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[]
    expect(rows).toHaveLength(12)
    expect(Object.keys(rows[0])).toEqual([
      'arch', 'epsilon', 'rank', 'placed_by', 'nan_reason', 'source', 'canonical', 'ms',
      'space', 'dataset', 'classes', 'image_size', 'input', 'input_seed', 'batch_size', 'w_low', 'w_high', 'engine',
    ])
    for (const row of rows) {
      expect(row.epsilon === '' ? row.nan_reason : Number(row.epsilon)).toBeTruthy()
      expect(row).toMatchObject({ space: 'nb201', dataset: 'cifar10', classes: '10', image_size: '32', input: 'grey', batch_size: '8', w_low: '1e-7', w_high: '1', engine: 'collapsed/ts@1' })
    }

    const second = epsinas(['score', '--limit', '12', '--seed', '5', ...FAST, '--db', db, '--out', join(dir, 'again.csv')])
    expect(second.status).toBe(0)
    expect(second.stderr).toContain('0 scored now')
    expect(second.stderr).toContain('12 from the cache')
    expect(second.stderr).toContain('nothing to compute')
    const again = parse(readFileSync(join(dir, 'again.csv'), 'utf8'), { columns: true }) as Record<string, string>[]
    expect(again.map((r) => [r.arch, r.epsilon])).toEqual(rows.map((r) => [r.arch, r.epsilon]))
    expect(again.every((r) => r.source === 'cached')).toBe(true)
  })

  test('shares one computation between archs with identical networks and writes JSON', () => {
    const archsFile = join(dir, 'sharing.txt')
    writeFileSync(archsFile, `# two archs with one network, and the all-conv arch\n${SHARING_ARCHS.join('\n')}\n\n`)
    const out = join(dir, 'sharing.json')
    const run = epsinas(['score', '--archs', archsFile, ...FAST, '--db', join(dir, 'sharing.db'), '--out', out])
    expect(run.status).toBe(0)
    const json = JSON.parse(readFileSync(out, 'utf8')) as { summary: Record<string, number>; scores: Array<Record<string, unknown>> }
    expect(json.summary).toMatchObject({ total: 3, computed: 2, shared: 1, cached: 0 })
    const [a, b, allConv] = json.scores
    expect(b.epsilon).toBe(a.epsilon)
    expect(b).toMatchObject({ source: 'shared', canonical: SHARING_ARCHS[0] })
    // engine.md: no parameter-free path from input to output at [1e-7, 1] -> float32 underflow -> NaN.
    expect(allConv).toMatchObject({ epsilon: null, nan_reason: 'outputs-constant' })
  })

  test('a malformed arch is reported with its line number and nothing is cached', () => {
    const archsFile = join(dir, 'bad.txt')
    writeFileSync(archsFile, `${SHARING_ARCHS[0]}\n|nor_conv_3x3~0|+|nor_conv_5x5~0|none~1|+|skip_connect~0|none~1|none~2|\n`)
    const db = join(dir, 'bad.db')
    const run = epsinas(['score', '--archs', archsFile, ...FAST, '--db', db])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/bad\.txt line 2: .*nor_conv_5x5/)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(existsSync(db)).toBe(false)
  })

  test.each([
    [['--weights', '1e-7'], /--weights takes two positive decimal numbers/],
    [['--weights', '1,1'], /must differ/],
    [['--weights', '0,1'], /two positive finite numbers/],
    [['--weights', '-1,1'], /--weights takes two positive decimal numbers/],
    [['--weights', '0x10,100'], /--weights takes two positive decimal numbers/],
    [['--weights', '1,1e-7'], /smaller first/],
    [['--batch', 'x'], /--batch takes an integer/],
    [['--dataset', 'mnist'], /Allowed choices are cifar10, cifar100, ImageNet16-120/],
    [['--archs', 'missing.txt'], /cannot read architectures from missing\.txt: ENOENT/],
    [['--all', '--limit', '3'], /choose one of/],
  ])('bad argument %j exits 2 with a clear message and no database', (args, message) => {
    const db = join(dir, 'never.db')
    const run = epsinas(['score', ...args, ...FAST, '--db', db])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(existsSync(db)).toBe(false)
  })

  test('an unwritable database is a one-line error', () => {
    const blocker = join(dir, 'a-file')
    writeFileSync(blocker, 'not a directory')
    const run = epsinas(['score', '--limit', '1', ...FAST, '--db', join(blocker, 'x.db')])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(join(blocker, 'x.db'))
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
  })

  test('the full-width engine is cached under its own engine key', () => {
    const db = join(dir, 'full.db')
    const run = epsinas(['score', '--limit', '2', '--seed', '1', '--engine', 'full', '--backend', 'ts', ...FAST, '--db', db])
    expect(run.status).toBe(0)
    expect(run.stderr).toContain('engine full/ts@1')
    const store = openStore(db)
    try {
      expect(store.listConfigs().map((c) => c.engine)).toEqual(['full/ts@1'])
      expect(store.integrityCheck()).toBe('ok')
    } finally {
      store.close()
    }
  })

  test('the collapsed engine refuses a tfjs backend', () => {
    const run = epsinas(['score', '--limit', '1', '--backend', 'tfjs-wasm', ...FAST, '--db', join(dir, 'never2.db')])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('the collapsed engine runs on the ts backend only')
  })
})
