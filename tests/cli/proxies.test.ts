import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tinyOnnxModel } from '../../src/main/onnx/write.ts'
import { epsinas, tempDir } from './helpers.ts'

/** Three NB201 archs; their parameter counts are Suite-Zero's `params` (in millions) for the same archs. */
const ARCHS = [
  '|none~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_3x3~1|none~2|',
  '|avg_pool_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|nor_conv_3x3~1|skip_connect~2|',
  '|nor_conv_1x1~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|',
]
const PARAMS = [316346, 316346, 101306]

/** The CSV as rows of named fields (no field here holds a comma). */
function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split('\n')
  const names = header.split(',')
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [names[i], value])))
}

describe('epsinas proxies', () => {
  let dir: string
  let cleanup: () => void
  let db: string
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir())
    db = join(dir, 'cache.db')
    writeFileSync(join(dir, 'two.txt'), `${ARCHS.slice(0, 2).join('\n')}\n`)
    writeFileSync(join(dir, 'three.txt'), `${ARCHS.join('\n')}\n`)
  })
  afterAll(() => cleanup())

  const run = (file: string, out: string, proxies = 'params,flops,nwot') =>
    epsinas(['proxies', '--space', 'nb201', '--dataset', 'cifar10', '--proxies', proxies, '--archs', join(dir, file), '--batch', '2', '--db', db, '--out', join(dir, out), '--no-progress'])

  it('writes arch and one column per proxy, in the order asked; params are the Suite-Zero counts', () => {
    const result = run('two.txt', 'two.csv')
    expect(result.status).toBe(0)
    expect(result.stderr).toContain('proxies: 6 computed, 0 from the cache')
    const rows = parseCsv(readFileSync(join(dir, 'two.csv'), 'utf8'))
    expect(Object.keys(rows[0])).toEqual(['arch', 'params', 'flops', 'nwot'])
    expect(rows.map((row) => row.arch)).toEqual(ARCHS.slice(0, 2))
    expect(rows.map((row) => Number(row.params))).toEqual(PARAMS.slice(0, 2))
    // Batch 2: K is 2 x 2 with diagonal = units, so log det K is finite and at most 2 log(units).
    for (const row of rows) expect(Number.isFinite(Number(row.nwot))).toBe(true)
  })

  it('is resumable: a rerun with one more arch computes only that arch, and serves the rest from the cache unchanged', () => {
    const result = run('three.txt', 'three.csv')
    expect(result.status).toBe(0)
    expect(result.stderr).toContain('proxies: 3 computed, 6 from the cache')
    const first = parseCsv(readFileSync(join(dir, 'two.csv'), 'utf8'))
    const rows = parseCsv(readFileSync(join(dir, 'three.csv'), 'utf8'))
    expect(rows.slice(0, 2)).toEqual(first)
    expect(Number(rows[2].params)).toBe(PARAMS[2])
  })

  it('another init seed is another key: computed again, not served', () => {
    const result = epsinas(['proxies', '--space', 'nb201', '--proxies', 'nwot', '--archs', join(dir, 'two.txt'), '--batch', '2', '--init-seed', '1', '--db', db, '--no-progress'])
    expect(result.status).toBe(0)
    expect(result.stderr).toContain('proxies: 2 computed, 0 from the cache')
    // Without --out the CSV goes to stdout.
    expect(result.stdout.split('\n')[0]).toBe('arch,nwot')
  })

  it.each([
    [['--proxies', 'zen-nas'], "unknown proxy 'zen-nas' (expected one of params, flops, nwot, synflow, grad_norm, snip, jacov, fisher, grasp, zen, swap, meco)"],
    [['--proxies', 'nwot,nwot'], '--proxies: nwot is named twice'],
    [['--proxies', 'nwot', '--space', 'nbnlp', '--archs', 'x.txt'], 'the native proxies run on image networks'],
    [['--proxies', 'nwot', '--limit', '2', '--all'], 'choose one of --archs FILE, --all, --limit N'],
  ])('refuses %j with one line, exit 2, and no cache file', (args, message) => {
    const cache = join(dir, 'refused.db')
    const result = epsinas(['proxies', ...args, '--db', cache, '--no-progress'])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(message)
    expect(result.stderr.trim().split('\n').filter((line) => !line.includes('already registered'))).toHaveLength(1)
    expect(() => readFileSync(cache)).toThrow()
  })
})

describe('epsinas proxies on an imported ONNX space', () => {
  let dir: string
  let cleanup: () => void
  let env: NodeJS.ProcessEnv
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir())
    env = { EPSINAS_HOME: join(dir, 'home') }
    const models = join(dir, 'models')
    mkdirSync(models)
    writeFileSync(join(models, 'narrow.onnx'), tinyOnnxModel({ width: 3, depth: 2, imageSize: 8 }))
    writeFileSync(join(models, 'wide.onnx'), tinyOnnxModel({ width: 6, depth: 2, imageSize: 8 }))
    expect(epsinas(['space', 'import', 'mine', models], env).status).toBe(0)
  })
  afterAll(() => cleanup())

  it('computes every proxy on the models as imported (their own 10-class classifier), one row per model', () => {
    const out = join(dir, 'mine.csv')
    const result = epsinas(['proxies', '--space', 'mine', '--dataset', 'custom', '--proxies', 'params,nwot,synflow,snip,jacov,fisher', '--batch', '4', '--db', join(dir, 'cache.db'), '--out', out, '--no-progress'], env)
    expect(result.status).toBe(0)
    const rows = parseCsv(readFileSync(out, 'utf8'))
    expect(rows.map((row) => row.arch)).toEqual(['narrow', 'wide'])
    for (const row of rows) for (const id of ['params', 'nwot', 'synflow', 'snip', 'jacov', 'fisher']) expect(Number.isFinite(Number(row[id])) && row[id] !== '').toBe(true)
    // The wider model has more parameters.
    expect(Number(rows[1].params)).toBeGreaterThan(Number(rows[0].params))
  })
})
