import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { CONVERTERS } from '../../../src/main/benchmarks/convert/converters.ts'
import { testItem } from '../download/fixtures.ts'
import { nb101Hash } from '../../../src/main/core/spaces/nb101/index.ts'
import { proxyKeys, proxyScoreRanges, proxyScores } from '../../../src/main/store/benchmarks.ts'
import { countRows, expectRejects, freshStore, useTempDir } from './helpers.ts'

const tmp = useTempDir('suite-zero-nb101')

/*
 * NAS-Bench-Suite-Zero's public zc_nasbench101.json (500 keys, early flat layout wrapped in
 * "nasbench101") names cells by spec, and isomorphic specs of one module appear as separate keys,
 * each with the val_accuracy of one sampled run. Three keys of one module here: input feeding a
 * conv3x3 and a conv1x1 that both feed the output, written in both vertex orders, and once more
 * with a dead maxpool vertex that pruning removes. NASLib ops: 0 input, 1 output, 2 maxpool,
 * 3 conv1x1, 4 conv3x3.
 */
const FORWARD = '(0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 4, 3, 1)'
const SWAPPED = '(0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 3, 4, 1)'
const DEAD_VERTEX = '(0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 3, 2, 1)'
// A different module: input -> conv3x3 -> output.
const CHAIN = '(0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 4, 1)'

const MODULE = nb101Hash({ matrix: [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'output'] })
const CHAIN_HASH = nb101Hash({ matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'output'] })

function file(name: string, cells: Record<string, Record<string, number | null>>): string {
  const path = join(tmp(), name)
  // NaN as Python's json.dump writes it.
  writeFileSync(path, JSON.stringify({ nasbench101: { cifar10: cells } }).replaceAll('null', 'NaN'))
  return path
}

const convert = CONVERTERS['suite-zero']
const ITEM = testItem('zc-nasbench101', [{ name: 'zc_nasbench101.json', body: Buffer.alloc(1), urls: ['https://example.invalid/zc'] }])

describe('Suite-Zero NB101: isomorphic specs of one module', () => {
  test('every key is kept with its spec, and the module gets the mean, min and max over its keys', async () => {
    const store = freshStore(tmp())
    try {
      const path = file('zc_nasbench101.json', {
        [FORWARD]: { synflow: 1, val_accuracy: 90 },
        [CHAIN]: { synflow: 5, val_accuracy: 80 },
        [SWAPPED]: { synflow: 2, val_accuracy: 92 },
        [DEAD_VERTEX]: { synflow: null, val_accuracy: 91 },
      })
      const result = await convert(store, path, ITEM, undefined, {})
      expect(result).toMatchObject({ benchmark: 'suite-zero:nb101', records: 4 })
      expect(proxyScores(store, 'nb101', 'cifar10', 'val_accuracy')).toEqual(new Map([[MODULE, 91], [CHAIN_HASH, 80]]))
      const accuracy = proxyScoreRanges(store, 'nb101', 'cifar10', 'val_accuracy').get(MODULE)
      expect(accuracy).toEqual({ mean: 91, min: 90, max: 92, keys: 3 })
      // NaN is left out of the mean, as the benchmark's nanmean does; the key still counts.
      expect(proxyScoreRanges(store, 'nb101', 'cifar10', 'synflow').get(MODULE)).toEqual({ mean: 1.5, min: 1, max: 2, keys: 3 })
      const keys = proxyKeys(store, 'nb101', 'cifar10')
      expect(keys.map((k) => k.key).sort()).toEqual([CHAIN, DEAD_VERTEX, FORWARD, SWAPPED].sort())
      expect(new Set(keys.filter((k) => k.key !== CHAIN).map((k) => k.arch))).toEqual(new Set([MODULE]))
      // The spec as `epsinas score` writes NB101 archs: pruned, vertex order kept.
      expect(keys.find((k) => k.key === DEAD_VERTEX)?.spec).toBe(
        '{"matrix":[[0,1,1,0],[0,0,0,1],[0,0,0,1],[0,0,0,0]],"ops":["input","conv3x3-bn-relu","conv1x1-bn-relu","output"]}',
      )
    } finally {
      store.close()
    }
  })

  test('the same spec twice is refused, naming both keys; errors are located by key, not by a shared character offset', async () => {
    const store = freshStore(tmp())
    try {
      const respelled = FORWARD.replaceAll(', ', ',')
      const twice = file('twice.json', { [FORWARD]: { val_accuracy: 90 }, [respelled]: { val_accuracy: 91 } })
      const message = await expectRejects(convert(store, twice, ITEM, undefined, {}), 'BAD_FILE', /same spec as key/, new RegExp(`key "${respelled.replace(/[()]/g, '\\$&')}"`))
      expect(message).not.toMatch(/character/)
      const bad = file('bad.json', { [CHAIN]: { val_accuracy: 80 }, '(0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 9, 1)': { val_accuracy: 80 } })
      const badMessage = await expectRejects(convert(store, bad, ITEM, undefined, {}), 'BAD_FILE', /dataset "cifar10", key "\(0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 9, 1\)": op index 9/)
      expect(badMessage).not.toMatch(/character/)
      expect(countRows(store, 'proxy_scores')).toBe(0)
    } finally {
      store.close()
    }
  })
})
