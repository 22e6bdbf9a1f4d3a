import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CONVERTERS } from '../../../src/main/benchmarks/convert/converters.ts'
import { engineKey } from '../../../src/main/core/scoring/index.ts'
import { nb201ArchAt } from '../../../src/main/core/spaces/nb201/index.ts'
import { inputCacheKey } from '../../../src/main/data/index.ts'
import { compareScores } from '../../../src/main/services/api/compare.ts'
import { scoreKeyShape } from '../../../src/main/services/score-parameters.ts'
import { resolveEngine } from '../../../src/main/services/scoring.ts'
import { openBenchmarkStore, type BenchmarkStore } from '../../../src/main/store/benchmarks.ts'
import { openStore, type ScoreStore } from '../../../src/main/store/index.ts'
import { openProxyScoreStore } from '../../../src/main/store/proxy-scores.ts'
import type { CompareRequest } from '../../../src/shared/api.ts'
import { testItem } from '../../benchmarks/download/fixtures.ts'
import { tempDir } from './helpers.ts'

const CONFIG: CompareRequest = { space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 4, weights: [1e-7, 1], engine: 'collapsed' }
const ARCHS = Array.from({ length: 6 }, (_, i) => nb201ArchAt(i * 1009 + 11))
/** Native synflow by arch: stored for all but the last arch (null there: not computed); the first is undefined for its network. */
const NATIVE = [null, 10, 20, 30, 40, null]

/** Values given in ARCHS order, in the order of the points. */
function byPoint(points: ReadonlyArray<{ arch: string }>, values: ReadonlyArray<number | null>): Array<number | null> {
  return points.map((point) => values[ARCHS.indexOf(point.arch)])
}

const NATIVE_KEY = { proxy: 'synflow', initSeed: 0, input: 'grey', inputSeed: 0, batchSize: 32, engine: 'full/tfjs-wasm@proxies.1.2', space: 'nb201', dataset: 'cifar10' }

/** Issue 15: compare:get lists the native proxies of the cache beside the published ones, each with its source. */
describe('compare:get with native proxies', () => {
  let dir: string
  let cleanup: () => void
  let store: ScoreStore
  let benchmarks: BenchmarkStore

  beforeAll(async () => {
    ;({ dir, cleanup } = tempDir('epsinas-compare-native-'))
    const db = join(dir, 'cache.db')
    store = openStore(db)
    benchmarks = openBenchmarkStore(db)
    const { engine } = await resolveEngine('collapsed', 'auto')
    const key = { space: 'nb201', dataset: 'cifar10', ...scoreKeyShape('nb201', 'cifar10'), input: await inputCacheKey('grey', 'cifar10'), inputSeed: 0, batchSize: 4, weights: [1e-7, 1] as const, engine: engineKey(engine) }
    store.putMany(store.configId(key), ARCHS.map((arch, i) => ({ arch, epsilon: i, nanReason: null, ms: 1, canonical: null })))
    // Native synflow for all but the last arch; the first is undefined for its network.
    const natives = openProxyScoreStore(db)
    ARCHS.slice(0, 5).forEach((arch, i) => natives.put(NATIVE_KEY, { arch, value: NATIVE[i], ms: 1 }))
    natives.close()
  })
  afterAll(() => {
    store.close()
    benchmarks.close()
    cleanup()
  })

  test('without Suite-Zero: the native column aligned with the points, its key in the description, nothing asked to be installed for proxies', async () => {
    const result = await compareScores(store, benchmarks, CONFIG)
    expect(result.proxies).toEqual([
      {
        name: 'native:synflow',
        source: 'native',
        description: 'computed by epsinas proxies: init seed 0, input grey seed 0, batch 32, engine full/tfjs-wasm@proxies.1.2 (5 archs stored)',
        scores: byPoint(result.points, NATIVE),
      },
    ])
    expect(result.missing.join(' | ')).not.toMatch(/zero-cost proxies/)
  })

  test('with Suite-Zero installed: the published synflow first, then ours, told apart by name and source; statistics for both', async () => {
    const cells = ARCHS.map((arch, i) => `${JSON.stringify(arch)}: {"synflow": {"score": ${i}, "time": 0.1}, "val_accuracy": ${80 + i}}`)
    const file = join(dir, 'zc_nasbench201.json')
    writeFileSync(file, `{"cifar10": {${cells.join(', ')}}}`)
    await CONVERTERS['suite-zero'](benchmarks, file, testItem('zc-nasbench201', [{ name: 'zc_nasbench201.json', body: Buffer.alloc(1), urls: ['https://example.invalid/zc'] }]), undefined, {})
    const result = await compareScores(store, benchmarks, CONFIG)
    expect(result.proxies.map(({ name, source, scores }) => ({ name, source, scores }))).toEqual([
      { name: 'synflow', source: 'suite-zero', scores: byPoint(result.points, ARCHS.map((_, i) => i)) },
      { name: 'native:synflow', source: 'native', scores: byPoint(result.points, NATIVE) },
    ])
    expect(result.stats.map((s) => [s.proxy, s.n])).toEqual([['epsilon', 6], ['synflow', 6], ['native:synflow', 4]])
    expect(result.stats[2].spearman).toBe(1)
  })

  test('with neither: the page is told both ways to get other proxies', async () => {
    const result = await compareScores(store, benchmarks, { ...CONFIG, dataset: 'cifar100' })
    expect(result.proxies).toEqual([])
    expect(result.missing).toContain('compute native proxies (epsinas proxies --space nb201 --dataset cifar100) or install NAS-Bench-Suite-Zero to compare with other zero-cost proxies')
  })
})
