import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CONVERTERS } from '../../../src/main/benchmarks/convert/converters.ts'
import { compareScores } from '../../../src/main/services/api/compare.ts'
import { openBenchmarkStore } from '../../../src/main/store/benchmarks.ts'
import { openStore } from '../../../src/main/store/index.ts'
import { testItem } from '../../benchmarks/download/fixtures.ts'
import { epsinas } from '../../cli/helpers.ts'
import { tempDir } from './helpers.ts'

// input -> conv3x3 and conv1x1 -> output, scored in one vertex order; Suite-Zero has the module
// only under the other order (an isomorphic spec), so only the module hash can join them.
const SCORED = '{"matrix": [[0,1,1,0],[0,0,0,1],[0,0,0,1],[0,0,0,0]], "ops": ["input","conv3x3-bn-relu","conv1x1-bn-relu","output"]}'
const SUITE_ZERO_KEY = '(0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 3, 4, 1)'

/** Issue 11 item 8: the Compare page joins NB101 scores (spec archs) with Suite-Zero (hashes) by module hash. */
describe('compare:get for NB101', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir('epsinas-compare-nb101-')))
  afterAll(() => cleanup())

  test('finds the Suite-Zero accuracy and proxy of a scored spec through its module hash', async () => {
    const db = join(dir, 'cache.db')
    const archs = join(dir, 'specs.jsonl')
    writeFileSync(archs, `${SCORED}\n`)
    const run = epsinas(['score', '--space', 'nb101', '--archs', archs, '--batch', '8', '--workers', '1', '--no-progress', '--db', db])
    expect(run.status, run.stderr).toBe(0)
    const zc = join(dir, 'zc_nasbench101.json')
    writeFileSync(zc, JSON.stringify({ cifar10: { [SUITE_ZERO_KEY]: { synflow: { score: 12.5, time: 0.1 }, val_accuracy: 91.5 } } }))
    const benchmarks = openBenchmarkStore(db)
    const store = openStore(db)
    try {
      const item = testItem('zc-nasbench101', [{ name: 'zc_nasbench101.json', body: Buffer.alloc(1), urls: ['https://example.invalid/zc'] }])
      await CONVERTERS['suite-zero'](benchmarks, zc, item, undefined, {})
      const result = await compareScores(store, benchmarks, { space: 'nb101', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 8, weights: [1e-4, 10], engine: 'collapsed' })
      expect(result.points).toHaveLength(1)
      expect(result.points[0].accuracy).toBe(91.5)
      expect(result.proxies).toEqual([{ name: 'synflow', source: 'suite-zero', description: 'published by NAS-Bench-Suite-Zero', scores: [12.5] }])
    } finally {
      store.close()
      benchmarks.close()
    }
  })
})
