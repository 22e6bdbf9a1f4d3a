import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CONVERTERS } from '../../../src/main/benchmarks/convert/converters.ts'
import { engineKey } from '../../../src/main/core/scoring/index.ts'
import { nb201ArchAt } from '../../../src/main/core/spaces/nb201/index.ts'
import { bootstrapStatsIntervals, computeEpsilonStats } from '../../../src/main/core/stats/index.ts'
import { inputCacheKey } from '../../../src/main/data/index.ts'
import { compareScores } from '../../../src/main/services/api/compare.ts'
import { scoreKeyShape } from '../../../src/main/services/score-parameters.ts'
import { resolveEngine } from '../../../src/main/services/scoring.ts'
import { openBenchmarkStore, type BenchmarkStore } from '../../../src/main/store/benchmarks.ts'
import { openStore, type ScoreStore } from '../../../src/main/store/index.ts'
import type { CompareRequest, CompareResponse } from '../../../src/shared/api.ts'
import { testItem } from '../../benchmarks/download/fixtures.ts'
import { tempDir } from './helpers.ts'

const CONFIG: CompareRequest = { space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 4, weights: [1e-7, 1], engine: 'collapsed' }
/** Twelve archs; accuracy 50 + i, so the last ones are the best. */
const ARCHS = Array.from({ length: 12 }, (_, i) => nb201ArchAt(i * 101))
const ACCURACY = ARCHS.map((_, i) => 50 + i)
/** Epsilon is NaN at the four best archs (as at [1e-7, 1] on real data) and perfect elsewhere. */
const EPSILON = ARCHS.map((_, i) => (i >= 8 ? null : i))
/** synflow: perfect where epsilon is finite; the four best get its four lowest scores. */
const SYNFLOW = ARCHS.map((_, i) => (i >= 8 ? -i : i))
/** jacov: NaN at the worst arch, perfect elsewhere. */
const JACOV = ARCHS.map((_, i) => (i === 0 ? null : i))

/** Issue 13 section 4: Compare shows every proxy on the same archs beside its own coverage, with bootstrap intervals. */
describe('compare:get like for like', () => {
  let dir: string
  let cleanup: () => void
  let store: ScoreStore
  let benchmarks: BenchmarkStore
  let result: CompareResponse

  beforeAll(async () => {
    ;({ dir, cleanup } = tempDir('epsinas-compare-intervals-'))
    const db = join(dir, 'cache.db')
    store = openStore(db)
    benchmarks = openBenchmarkStore(db)
    // The cache key compare:get looks up, from the same services that score.
    const { engine } = await resolveEngine('collapsed', 'auto')
    const key = { space: 'nb201', dataset: 'cifar10', ...scoreKeyShape('nb201', 'cifar10'), input: await inputCacheKey('grey', 'cifar10'), inputSeed: 0, batchSize: 4, weights: [1e-7, 1] as const, engine: engineKey(engine) }
    store.putMany(store.configId(key), ARCHS.map((arch, i) => ({ arch, epsilon: EPSILON[i], nanReason: EPSILON[i] === null ? 'outputs-constant' : null, ms: 1, canonical: null })))
    // Python's json.dump writes NaN as a bare token; Suite-Zero files hold them.
    const score = (value: number | null): string => `{"score": ${value === null ? 'NaN' : value}, "time": 0.1}`
    const cells = ARCHS.map((arch, i) => `${JSON.stringify(arch)}: {"synflow": ${score(SYNFLOW[i])}, "jacov": ${score(JACOV[i])}, "val_accuracy": ${ACCURACY[i]}}`)
    const file = join(dir, 'zc_nasbench201.json')
    writeFileSync(file, `{"cifar10": {${cells.join(', ')}}}`)
    const item = testItem('zc-nasbench201', [{ name: 'zc_nasbench201.json', body: Buffer.alloc(1), urls: ['https://example.invalid/zc'] }])
    await CONVERTERS['suite-zero'](benchmarks, file, item, undefined, {})
    result = await compareScores(store, benchmarks, CONFIG)
  })
  afterAll(() => {
    store.close()
    benchmarks.close()
    cleanup()
  })

  test('stats: each proxy on its own coverage, with the intervals of its finite pairs', () => {
    expect(result.stats.map((s) => [s.proxy, s.n])).toEqual([['epsilon', 8], ['jacov', 11], ['synflow', 12]])
    expect(result.stats[2]).toMatchObject(computeEpsilonStats(SYNFLOW, ACCURACY))
    expect(result.stats[2].spearman).toBeLessThan(0.9)
    expect(result.stats[2].intervals).toEqual(bootstrapStatsIntervals(SYNFLOW, ACCURACY))
    expect(result.stats[2].intervals).toMatchObject({ level: 0.95, resamples: 1000, seed: 0 })
  })

  test('commonStats: every proxy on the same archs (epsilon, accuracy and every proxy finite), where synflow ranks perfectly', () => {
    expect(result.commonStats.map((s) => [s.proxy, s.n, s.nan])).toEqual([['epsilon', 7, 0], ['jacov', 7, 0], ['synflow', 7, 0]])
    for (const row of result.commonStats) {
      expect(row.spearman).toBeCloseTo(1, 14)
      expect(row.kendall).toBeCloseTo(1, 14)
      for (const bound of [...(row.intervals.spearman ?? []), ...(row.intervals.kendall ?? [])]) expect(bound).toBeCloseTo(1, 14)
    }
    const common = [1, 2, 3, 4, 5, 6, 7]
    expect(result.commonStats[2].topKOverlap).toBe(result.topK)
    expect(result.commonStats[0]).toMatchObject(computeEpsilonStats(common.map((i) => EPSILON[i]), common.map((i) => ACCURACY[i])))
  })

  test('nothing installed: no statistics on either coverage', async () => {
    const empty = openBenchmarkStore(join(dir, 'empty.db'))
    try {
      const none = await compareScores(store, empty, CONFIG)
      expect(none.stats).toEqual([])
      expect(none.commonStats).toEqual([])
    } finally {
      empty.close()
    }
  })
})
