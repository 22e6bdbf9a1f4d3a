import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { epsinas, tempDir } from './helpers.ts'

/** Four NB201 archs (from tests/cli/merge.test.ts): the first two build one network. */
const ARCHS = [
  '|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|',
  '|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|',
  '|skip_connect~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|nor_conv_3x3~0|none~1|skip_connect~2|',
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
]

/** Issue 15: the full-coverage ranking of `score` uses the native proxies `epsinas proxies` stored in its cache. */
describe('epsinas score ranks with native proxies', () => {
  let dir: string
  let cleanup: () => void
  let db: string
  let archs: string
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir())
    db = join(dir, 'cache.db')
    archs = join(dir, 'archs.txt')
    writeFileSync(archs, `${ARCHS.join('\n')}\n`)
    const run = epsinas(['proxies', '--space', 'nb201', '--proxies', 'params,synflow', '--archs', archs, '--batch', '2', '--db', db, '--no-progress'])
    expect(run.stderr).toContain('proxies: 8 computed')
    expect(run.status).toBe(0)
  })
  afterAll(() => cleanup())

  const score = (out: string, extra: string[] = []) => epsinas(['score', '--archs', archs, '--batch', '4', '--workers', '1', '--no-progress', '--db', db, '--out', join(dir, out), ...extra])
  const signalsOf = (out: string): string[] => (JSON.parse(readFileSync(join(dir, out), 'utf8')) as { ranking: { signals: string[] } }).ranking.signals

  test('the default set takes the native synflow where no Suite-Zero is installed, and the rank line names it', () => {
    const run = score('default.json')
    expect(run.status).toBe(0)
    expect(run.stdout + run.stderr).toMatch(/rank: \d+ ranked by epsilon, \d+ placed by the aggregate of [^\n]*native:synflow/)
    expect(signalsOf('default.json')).toContain('native:synflow')
  })

  test('--rank-with native:params ranks with it; a native proxy not computed is refused in one line before anything is scored', () => {
    const run = score('params.json', ['--rank-with', 'native:params'])
    expect(run.status).toBe(0)
    expect(signalsOf('params.json')).toContain('native:params')
    expect(signalsOf('params.json')).not.toContain('native:synflow')
    const refused = score('nwot.json', ['--rank-with', 'native:nwot'])
    expect(refused.status).toBe(2)
    expect(refused.stderr).toBe(`epsinas: --rank-with: native:nwot not installed for nb201 cifar10 in ${db} (installed: native:params, native:synflow)\n`)
  })
})
