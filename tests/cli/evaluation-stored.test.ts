import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dispatch } from '../../src/main/api-handlers.ts'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { createApiServices } from '../../src/main/services/api/index.ts'
import { openStore } from '../../src/main/store/index.ts'
import type { ApiResult, WeightsSelectResponse } from '../../src/shared/api.ts'
import { cacheSyntheticSweep } from '../services/api/synthetic-sweep.ts'
import { epsinas, tempDir } from './helpers.ts'

const ARCHS = Array.from({ length: 10 }, (_, i) => nb201ArchAt(i * 503 + 7))
const UP = ARCHS.map((_, i) => i)

/** Issue 13: `select-weights --evaluate` keeps its evaluation with the sweep, and the Weights page (weights:select) serves it. */
describe('select-weights --evaluate stores the evaluation with its sweep', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())

  test('weights:select on the job the command created serves the stored evaluation, equal to the command\'s JSON', async () => {
    const db = join(dir, 'scores.db')
    // Cached beforehand (the sweep's keys: grey, seed 0, batch 4, collapsed), so the command scores nothing.
    const store = openStore(db)
    await cacheSyntheticSweep(store, [-2, -1, 0], ARCHS, { '-2,0': UP, '-1,0': UP.map((x) => -x), '-2,-1': [1, 0, ...UP.slice(2)] })
    store.close()
    writeFileSync(join(dir, 'archs.txt'), `${ARCHS.join('\n')}\n`)
    const accuracies = join(dir, 'acc.csv')
    writeFileSync(accuracies, `arch,accuracy\n${ARCHS.map((arch, i) => `${arch},${70 + i}`).join('\n')}\n`)
    const json = join(dir, 'evaluation.json')
    const run = epsinas(['select-weights', '--evaluate', '--archs', join(dir, 'archs.txt'), '--accuracies', accuracies, '--exponents', '-2..0', '--batch', '4', '--workers', '1', '--no-progress', '--db', db, '--json', json])
    expect(run.stderr).not.toMatch(/error/i)
    expect(run.status).toBe(0)
    const printed = JSON.parse(readFileSync(json, 'utf8')) as { job: string; archs: number; strategies: Array<{ strategy: string; chosen: { pair: { low: number; high: number }; spearman: number } | null; regret: number | null }> }

    const reopened = openStore(db)
    const services = createApiServices({ store: reopened, version: '9.9.9', workers: 1, dataDir: dir, progressIntervalMs: 0 })
    try {
      const result = (await dispatch(services.handlers, 'weights:select', { jobId: printed.job, strategy: 'grid', bootstrap: 0 })) as ApiResult<WeightsSelectResponse>
      if (!result.ok) throw new Error(result.error.message)
      const evaluation = result.value.evaluation
      expect(evaluation).toMatchObject({ stored: true, accuracies, archs: 10, best: { exponents: [-2, 0], spearman: 1 } })
      expect(evaluation?.strategies.map((s) => [s.strategy, s.chosen?.exponents, s.chosen?.spearman, s.regret])).toEqual(
        printed.strategies.map((s) => [s.strategy, s.chosen ? [s.chosen.pair.low, s.chosen.pair.high] : undefined, s.chosen?.spearman, s.regret]),
      )
    } finally {
      await services.dispose()
      reopened.close()
    }
  })
})
