import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CONVERTERS } from '../../../src/main/benchmarks/convert/converters.ts'
import { engineKey } from '../../../src/main/core/scoring/index.ts'
import { nb201ArchAt } from '../../../src/main/core/spaces/nb201/index.ts'
import { inputCacheKey } from '../../../src/main/data/index.ts'
import { formatIssues } from '../../../src/main/services/api/check.ts'
import { SCHEMAS } from '../../../src/main/services/api/schemas.ts'
import { searchStudy } from '../../../src/main/services/api/studies.ts'
import { scoreKeyShape } from '../../../src/main/services/score-parameters.ts'
import { resolveEngine } from '../../../src/main/services/scoring.ts'
import { openBenchmarkStore, type BenchmarkStore } from '../../../src/main/store/benchmarks.ts'
import { openStore, type ScoreStore } from '../../../src/main/store/index.ts'
import type { ScoreConfigRequest, SearchStudyRequest } from '../../../src/shared/api.ts'
import { testItem } from '../../benchmarks/download/fixtures.ts'
import { tempDir } from './helpers.ts'

const CONFIG: ScoreConfigRequest = { space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 4, weights: [1e-7, 1], engine: 'collapsed' }
/** Sixteen archs, val_accuracy 70 + i. The first ten are scored: epsilon -i (backwards), NaN on arch 0; the rest unscored. */
const ARCHS = Array.from({ length: 16 }, (_, i) => nb201ArchAt(i * 977 + 3))
const REQUEST: SearchStudyRequest = { space: 'nb201', dataset: 'cifar10', algorithms: ['random'], warmups: ['epsilon'], moves: ['none'], budget: 1, repeats: 5, seed: 0, pool: 100, warmupSteps: 64, epsilon: CONFIG }

/** Issue 16: studies:search, the Studies page's search study, reads epsilon from a score run's cache. */
describe('studies:search', () => {
  let dir: string
  let cleanup: () => void
  let store: ScoreStore
  let benchmarks: BenchmarkStore

  beforeAll(async () => {
    ;({ dir, cleanup } = tempDir('epsinas-studies-'))
    const db = join(dir, 'cache.db')
    store = openStore(db)
    benchmarks = openBenchmarkStore(db)
    const cells = ARCHS.map((arch, i) => `${JSON.stringify(arch)}: {"synflow": {"score": ${i}, "time": 0.1}, "val_accuracy": ${70 + i}}`)
    const file = join(dir, 'zc_nasbench201.json')
    writeFileSync(file, `{"cifar10": {${cells.join(', ')}}}`)
    await CONVERTERS['suite-zero'](benchmarks, file, testItem('zc-nasbench201', [{ name: 'zc_nasbench201.json', body: Buffer.alloc(1), urls: ['https://example.invalid/zc'] }]), undefined, {})
    const { engine } = await resolveEngine('collapsed', 'auto')
    const key = { space: 'nb201', dataset: 'cifar10', ...scoreKeyShape('nb201', 'cifar10'), input: await inputCacheKey('grey', 'cifar10'), inputSeed: 0, batchSize: 4, weights: [1e-7, 1] as const, engine: engineKey(engine) }
    store.putMany(store.configId(key), ARCHS.slice(0, 10).map((arch, i) => ({ arch, epsilon: i === 0 ? null : -i, nanReason: i === 0 ? 'outputs-constant' : null, ms: 1, canonical: null })))
  })
  afterAll(() => {
    store.close()
    benchmarks.close()
    cleanup()
  })

  test("an epsilon warm-up starts from the run's best-scored arch; NaN and unscored archs rank last, each counted in a note", async () => {
    const result = await searchStudy(store, benchmarks, REQUEST)
    // epsilon -1 (arch 1) is the highest finite score: accuracy 71.
    expect(result.variants).toEqual([{ name: 'random + warm-up epsilon', algorithm: 'random', warmup: 'epsilon', move: 'none', curve: { median: [71], q25: [71], q75: [71] }, final: { median: 71, q25: 71, q75: 71 } }])
    expect(result.notes).toEqual(['epsilon: 1 of 16 archs NaN, ranked last', 'epsilon: 6 of 16 archs not scored in this run, ranked last (score them on the Runs page)', 'pool 100 capped at the 16 archs with installed accuracies'])
    expect(result.archs).toBe(16)
    expect(result.reported).toMatch(/NAS-Bench-Suite-Zero cifar10 val_accuracy/)
  })

  test('a proxy guide needs no score run; evolution with move gives a curve per trained model', async () => {
    const { epsilon: _none, ...withoutEpsilon } = REQUEST
    const result = await searchStudy(store, benchmarks, { ...withoutEpsilon, algorithms: ['evolution'], warmups: ['synflow'], moves: ['none', 'synflow'], budget: 20 })
    expect(result.variants.map((v) => [v.name, v.curve.median.length, v.final.median])).toEqual([
      ['evolution + warm-up synflow', 20, 85],
      ['evolution + warm-up synflow + move synflow', 20, 85],
    ])
  })

  test('epsilon without a score run, or from another dataset, is refused in one line', async () => {
    const { epsilon: _none, ...withoutEpsilon } = REQUEST
    await expect(searchStudy(store, benchmarks, withoutEpsilon)).rejects.toThrow('an epsilon guide needs the score run to read epsilon from (epsilon: its configuration)')
    await expect(searchStudy(store, benchmarks, { ...REQUEST, epsilon: { ...CONFIG, dataset: 'cifar100' } })).rejects.toThrow('the epsilon scores are of nb201/cifar100, the study of nb201/cifar10')
    await expect(searchStudy(store, benchmarks, { ...REQUEST, warmups: ['grasp'] })).rejects.toThrow(/^grasp is not epsilon, none or a proxy installed for nb201 cifar10 in .* \(installed: synflow\)$/)
  })

  test('the schema refuses an unknown algorithm, a guide that is not a name and a run too large for the main process', () => {
    const checked = SCHEMAS['studies:search']({ ...REQUEST, algorithms: ['bayes'], warmups: ['a b'], budget: 100_000, repeats: 1000 })
    expect(checked.ok).toBe(false)
    if (checked.ok) return
    const text = formatIssues(checked.issues)
    expect(text).toContain('algorithms[0]')
    expect(text).toContain('warmups[0]')
    expect(text).toContain('budget x repeats must be at most 10,000,000 (got 100000000)')
    expect(SCHEMAS['studies:search'](REQUEST)).toEqual({ ok: true, value: REQUEST })
  })
})
