import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dispatch } from '../../../src/main/api-handlers.ts'
import { nb201ArchAt } from '../../../src/main/core/spaces/nb201/index.ts'
import { createApiServices, type ApiServices } from '../../../src/main/services/api/index.ts'
import { sweepTable } from '../../../src/main/services/sweeps.ts'
import { bootstrapStability, selectPlateau } from '../../../src/main/core/weights/index.ts'
import { openStore, type ScoreStore } from '../../../src/main/store/index.ts'
import type { ApiResult, WeightsSelectResponse } from '../../../src/shared/api.ts'
import { tempDir } from './helpers.ts'
import { cacheSyntheticSweep, runCachedSweep } from './synthetic-sweep.ts'

const N = 30
const ARCHS = Array.from({ length: N }, (_, i) => nb201ArchAt(i * 101))
/** Accuracy i: arch i is the i-th worst. */
const ACCURACY = ARCHS.map((_, i) => 50 + i)

/** The archs in accuracy order, with the given adjacent positions swapped. */
function rankingWithSwaps(...swaps: number[]): number[] {
  const order = Array.from({ length: N }, (_, i) => i)
  for (const s of swaps) [order[s], order[s + 1]] = [order[s + 1], order[s]]
  return order
}
const NAN_HEAD = (scores: number[]): Array<number | null> => scores.map((x, i) => (i < 6 ? null : x))

/**
 * Exponents -3..0 (6 pairs). A plateau of four pairs that rank alike (and rank well), each NaN at
 * 20% of the archs; two NaN-free outliers that rank in reverse, one of them the widest pair
 * (-3,0), which the widest-under-10%-NaN rule (grid) and the reference window pick.
 */
const SCORES: Record<string, Array<number | null>> = {
  '-2,0': NAN_HEAD(rankingWithSwaps()),
  '-3,-1': NAN_HEAD(rankingWithSwaps(8)),
  '-3,-2': NAN_HEAD(rankingWithSwaps(12)),
  '-2,-1': NAN_HEAD(rankingWithSwaps(24)),
  '-3,0': rankingWithSwaps().map((x) => -x),
  '-1,0': rankingWithSwaps(5).map((x) => -x),
}

function valueOf<T>(result: ApiResult<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
  return result.value as T
}

/** Issue 13 on the API: every strategy of the list, its evidence, the label-free warning and the harness's evaluation. */
describe('weights:select with the strategies over a synthetic sweep in a real store', () => {
  let cleanup: () => void
  let store: ScoreStore
  let services: ApiServices
  let labelledSweep: string
  let unlabelledSweep: string
  const call = (request: unknown) => dispatch(services.handlers, 'weights:select', request)

  beforeAll(async () => {
    const temp = tempDir('epsinas-weights-strategies-')
    cleanup = temp.cleanup
    store = openStore(join(temp.dir, 'scores.db'))
    services = createApiServices({ store, version: '9.9.9', workers: 1, dataDir: temp.dir, progressIntervalMs: 0 })
    const spec = await cacheSyntheticSweep(store, [-3, -2, -1, 0], ARCHS, SCORES)
    const accuracies = join(temp.dir, 'acc.csv')
    writeFileSync(accuracies, `arch,accuracy\n${ARCHS.map((arch, i) => `${arch},${ACCURACY[i]}`).join('\n')}\n`)
    labelledSweep = await runCachedSweep(store, spec, ARCHS, accuracies)
    unlabelledSweep = await runCachedSweep(store, spec, ARCHS)
  })
  afterAll(async () => {
    await services.dispose()
    store.close()
    cleanup()
  })

  test('grid picks the widest NaN-free outlier: evidence, a warning from the scores alone, and the evaluation of every strategy', async () => {
    const answer = valueOf<WeightsSelectResponse>(await call({ jobId: labelledSweep, strategy: 'grid', bootstrap: 0 }))
    expect(answer.chosen?.exponents).toEqual([-3, 0])
    expect(answer.evidence).toBe('it is the widest pair whose NaN fraction is under 10.0%')
    expect(answer.warning).toBe('[1e-3, 1] ranks unlike the 4 pairs that agree with each other (mean Spearman -1.00 to them): its ranking may be poor; the plateau strategy picks [1e-2, 1].')
    expect(answer.strategies.map((s) => [s.id, s.labelFree])).toEqual([['reference', true], ['grid', true], ['plateau', true], ['agreement', true]])
    const evaluation = answer.evaluation
    expect(evaluation).toMatchObject({ archs: N, best: { exponents: [-2, 0], coverage: 0.8, spearman: 1 } })
    const rows = evaluation?.strategies.map((s) => [s.strategy, s.chosen?.exponents, s.chosen?.coverage, s.chosen?.spearman, s.regret])
    expect(rows).toEqual([
      ['reference', [-3, 0], 1, -1, 2],
      ['grid', [-3, 0], 1, -1, 2],
      ['plateau', [-2, 0], 0.8, 1, 0],
      // The pair that ranks most like these archs' NB201 parameter counts (Spearman 0.050): one swap in 24 scored archs.
      ['agreement', [-3, -1], 0.8, expect.closeTo(1 - 12 / 13800, 12), expect.closeTo(12 / 13800, 12)],
    ])
  })

  test('plateau picks the centre of the plateau: its own evidence, no warning, a stability figure', async () => {
    const answer = valueOf<WeightsSelectResponse>(await call({ jobId: labelledSweep, strategy: 'plateau', bootstrap: 20 }))
    expect(answer).toMatchObject({ strategy: 'plateau', chosen: { exponents: [-2, 0], nanFraction: 0.2 }, warning: null, stability: { resamples: 20 } })
    expect(answer.evidence).toMatch(/^it is the centre of the largest plateau, 4 of 6 pairs linked by rankings that agree at Spearman >= 0\.9/)
    expect(answer.explanation).toContain(answer.evidence)
    // Run in slices that yield to the event loop, yet the same seeded draws and figures as the CLI's bootstrapStability.
    const table = await sweepTable(store, labelledSweep)
    expect(answer.stability).toEqual(bootstrapStability(N, (indices) => selectPlateau(table, indices).chosen?.pair ?? null, { low: -2, high: 0 }, 20))
  })

  test('a sweep without accuracies: the same warning (label-free), no evaluation', async () => {
    const answer = valueOf<WeightsSelectResponse>(await call({ jobId: unlabelledSweep, strategy: 'reference', bootstrap: 0 }))
    expect(answer.chosen?.exponents).toEqual([-3, 0])
    expect(answer.evidence).toMatch(/^the reference algorithm .* stopped at the first pair under 10\.0% NaN after trying 1 pairs$/)
    expect(answer.warning).toMatch(/^\[1e-3, 1\] ranks unlike the 4 pairs that agree with each other/)
    expect(answer.evaluation).toBeNull()
  })

  test('the schema takes the ids of the strategy list, and the metric only with grid', async () => {
    expect(await call({ jobId: labelledSweep, strategy: 'best' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_ARGUMENT', message: 'Invalid weights:select request: strategy must be one of "reference", "grid", "plateau", "agreement" (got "best").' },
    })
    expect(await call({ jobId: labelledSweep, strategy: 'plateau', metric: 'spearman' })).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT', message: expect.stringContaining('metric is only used by the grid strategy') } })
  })
})
