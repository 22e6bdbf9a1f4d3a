import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openProxyScoreStore, type ProxyScoreKey } from '../../src/main/store/proxy-scores.ts'
import { epsinas, tempDir } from './helpers.ts'

const ARCHS = [
  '|none~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_3x3~1|none~2|',
  '|avg_pool_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|nor_conv_3x3~1|skip_connect~2|',
  '|nor_conv_1x1~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|',
]

/** Every native proxy score of a cache as comparable rows (the timing `ms` aside: it differs between runs). */
function nativeRowsOf(db: string): string[] {
  const store = openProxyScoreStore(db, { readOnly: true })
  try {
    return store.rows().map(({ ms: _ms, ...row }) => JSON.stringify(row)).sort()
  } finally {
    store.close()
  }
}

const KEY: ProxyScoreKey = { proxy: 'nwot', initSeed: 0, input: 'grey', inputSeed: 0, batchSize: 2, engine: 'full/tfjs-wasm@proxies.1', space: 'nb201', dataset: 'cifar10' }

function writeNative(db: string, key: ProxyScoreKey, scores: Array<[string, number | null]>): void {
  const store = openProxyScoreStore(db)
  try {
    for (const [arch, value] of scores) store.put(key, { arch, value, ms: 1 })
  } finally {
    store.close()
  }
}

describe('epsinas merge carries the native proxy scores (issue 15)', () => {
  let dir: string
  let cleanup: () => void
  let whole: string
  let parts: string[]
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir())
    // The closed-form proxies (no tfjs pass): one run of all three archs, and the same in two parts.
    const proxies = (db: string, archs: readonly string[]): void => {
      const file = join(dir, `${archs.length}-${archs[0].length}.txt`)
      writeFileSync(file, `${archs.join('\n')}\n`)
      const run = epsinas(['proxies', '--space', 'nb201', '--proxies', 'params,flops', '--archs', file, '--batch', '2', '--db', db, '--no-progress'])
      expect(run.stderr).toContain('computed')
      expect(run.status).toBe(0)
    }
    whole = join(dir, 'whole.db')
    proxies(whole, ARCHS)
    parts = [join(dir, 'part-0.db'), join(dir, 'part-1.db')]
    proxies(parts[0], ARCHS.slice(0, 2))
    proxies(parts[1], ARCHS.slice(1))
  })
  afterAll(() => cleanup())

  test('the merged parts equal one run: a score in both parts is kept once, and a second merge changes nothing', () => {
    const out = join(dir, 'merged.db')
    const run = epsinas(['merge', out, ...parts])
    expect(run.status).toBe(0)
    expect(run.stderr).toContain(`${parts[0]}: 0 scores (0 new, 0 already there), 4 native proxy scores (4 new, 0 already there), 0 jobs`)
    expect(run.stderr).toContain(`${parts[1]}: 0 scores (0 new, 0 already there), 4 native proxy scores (2 new, 2 already there), 0 jobs`)
    expect(run.stderr).toMatch(/merged 2 files into .*merged\.db: 0 new scores, 6 new native proxy scores\n/)
    expect(nativeRowsOf(out)).toEqual(nativeRowsOf(whole))
    expect(nativeRowsOf(out)).toHaveLength(6)

    const again = epsinas(['merge', out, ...parts])
    expect(again.status).toBe(0)
    expect(again.stderr).toContain('0 new scores, 0 new native proxy scores')
    expect(nativeRowsOf(out)).toEqual(nativeRowsOf(whole))
  })

  test('an undefined value (null) is a value: the same null is kept once, null against a number conflicts', () => {
    const a = join(dir, 'null-a.db')
    const b = join(dir, 'null-b.db')
    const c = join(dir, 'null-c.db')
    writeNative(a, KEY, [[ARCHS[0], null]])
    writeNative(b, KEY, [[ARCHS[0], null]])
    writeNative(c, KEY, [[ARCHS[0], 12.5]])
    const out = join(dir, 'null-out.db')
    expect(epsinas(['merge', out, a, b]).status).toBe(0)
    expect(nativeRowsOf(out)).toHaveLength(1)
    const before = readFileSync(out)
    const refused = epsinas(['merge', out, c])
    expect(refused.status).toBe(2)
    // Merged by an earlier run: the output is where the kept value is.
    expect(refused.stderr).toContain(`is undefined (null) in the merge output but 12.5 in ${c}\n`)
    expect(readFileSync(out).equals(before)).toBe(true)
  })

  test('the same key with a different value is a conflict: exit status 2, one line naming the key and both files, the output byte-identical', () => {
    const left = join(dir, 'left.db')
    const right = join(dir, 'right.db')
    writeNative(left, KEY, [[ARCHS[0], 3.25], [ARCHS[1], 4]])
    writeNative(right, KEY, [[ARCHS[0], 3.5], [ARCHS[1], 4]])
    const out = join(dir, 'conflict-out.db')
    expect(epsinas(['merge', out, parts[0]]).status).toBe(0)
    const before = readFileSync(out)
    const run = epsinas(['merge', out, left, right])
    expect(run.status).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(
      `epsinas: merge refused, nothing written: 1 native proxy score with the same key but different values; first: nwot on ${ARCHS[0]} ` +
        `(nb201 cifar10 init seed 0 input grey seed 0 batch 2 engine full/tfjs-wasm@proxies.1) is 3.25 in ${left} but 3.5 in ${right}\n`,
    )
    expect(readFileSync(out).equals(before)).toBe(true)
  })
})
