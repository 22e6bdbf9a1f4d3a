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
import type { CompareRequest } from '../../../src/shared/api.ts'
import { testItem } from '../../benchmarks/download/fixtures.ts'
import { tempDir } from './helpers.ts'

const CONFIG: CompareRequest = { space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 4, weights: [1e-7, 1], engine: 'collapsed' }
/** NB201's official count of this arch on CIFAR-10 (Suite-Zero `params`, NATS-Bench costs): 0.615386 M. */
const OFFICIAL = '|skip_connect~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|nor_conv_1x1~1|none~2|'
/** Archs 0-3: Suite-Zero has params (arch 3 also in the cost table); 4-5: only the cost table; 6 and OFFICIAL: neither, counted. */
const ARCHS = [...Array.from({ length: 7 }, (_, i) => nb201ArchAt(i * 1009 + 11)), OFFICIAL]
/** Made-up values, so where each point's count came from shows. */
const SUITE_ZERO_PARAMS = [0.11, 0.22, 0.33, 0.44]
const COST_TABLE: Record<number, number> = { 3: 9.9, 4: 0.55, 5: 0.66 }

/** Issue 13 section 4: compare:get gives each point a parameter count from any source, and names the sources. */
describe('compare:get parameter counts', () => {
  let dir: string
  let cleanup: () => void
  let store: ScoreStore
  let benchmarks: BenchmarkStore

  beforeAll(async () => {
    ;({ dir, cleanup } = tempDir('epsinas-compare-params-'))
    const db = join(dir, 'cache.db')
    store = openStore(db)
    benchmarks = openBenchmarkStore(db)
    const { engine } = await resolveEngine('collapsed', 'auto')
    const key = { space: 'nb201', dataset: 'cifar10', ...scoreKeyShape('nb201', 'cifar10'), input: await inputCacheKey('grey', 'cifar10'), inputSeed: 0, batchSize: 4, weights: [1e-7, 1] as const, engine: engineKey(engine) }
    store.putMany(store.configId(key), ARCHS.map((arch, i) => ({ arch, epsilon: i, nanReason: null, ms: 1, canonical: null })))
  })
  afterAll(() => {
    store.close()
    benchmarks.close()
    cleanup()
  })

  test('with nothing installed every point is counted from its network, the official count included', async () => {
    const result = await compareScores(store, benchmarks, CONFIG)
    expect(result.paramsSource).toBe('counted from each network (8)')
    expect(result.points.find((p) => p.arch === OFFICIAL)?.params).toBe(0.615386)
    expect(result.points.every((p) => p.params !== null && p.params > 0)).toBe(true)
    expect(result.missing.join(' | ')).not.toMatch(/parameter count/)
  })

  test('Suite-Zero params first, then the cost table, then the count; the source line says how many each gave', async () => {
    const cells = ARCHS.map((arch, i) => `${JSON.stringify(arch)}: {"synflow": {"score": ${i}, "time": 0.1}, ${i < 4 ? `"params": {"score": ${SUITE_ZERO_PARAMS[i]}, "time": 0}, ` : ''}"val_accuracy": ${80 + i}}`)
    const file = join(dir, 'zc_nasbench201.json')
    writeFileSync(file, `{"cifar10": {${cells.join(', ')}}}`)
    await CONVERTERS['suite-zero'](benchmarks, file, testItem('zc-nasbench201', [{ name: 'zc_nasbench201.json', body: Buffer.alloc(1), urls: ['https://example.invalid/zc'] }]), undefined, {})
    // The NATS-Bench cost table as its importer leaves it (params in millions, per training set).
    const insert = benchmarks.db.prepare(`INSERT INTO space_costs (space, arch, dataset, params, flops, latency) VALUES ('nb201', ?, 'cifar10', ?, 1, 0.01)`)
    for (const [i, params] of Object.entries(COST_TABLE)) insert.run(ARCHS[Number(i)], params)

    const result = await compareScores(store, benchmarks, CONFIG)
    const byArch = new Map(result.points.map((p) => [p.arch, p.params]))
    expect(ARCHS.map((arch) => byArch.get(arch))).toEqual([0.11, 0.22, 0.33, 0.44, 0.55, 0.66, expect.any(Number), 0.615386])
    expect(result.paramsSource).toBe('NAS-Bench-Suite-Zero params (4), NAS-Bench-201 cost table (2), counted from each network (2)')
    // Suite-Zero's params is one of its proxies: plotted and judged like the others.
    expect(result.proxies.map((p) => p.name)).toEqual(['params', 'synflow'])
  })
})
