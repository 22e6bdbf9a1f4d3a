import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dispatch } from '../../../src/main/api-handlers.ts'
import { nb201ArchAt } from '../../../src/main/core/spaces/nb201/index.ts'
import { STRATEGIES } from '../../../src/main/core/weights/index.ts'
import { createApiServices, type ApiServices } from '../../../src/main/services/api/index.ts'
import { harnessId, sweepInputsDigest } from '../../../src/main/services/sweep-evaluations.ts'
import { sweepTable } from '../../../src/main/services/sweeps.ts'
import { openStore, type ScoreStore } from '../../../src/main/store/index.ts'
import type { ApiResult, WeightsSelectResponse } from '../../../src/shared/api.ts'
import { tempDir } from './helpers.ts'
import { cacheSyntheticSweep, runCachedSweep } from './synthetic-sweep.ts'

const N = 12
const ARCHS = Array.from({ length: N }, (_, i) => nb201ArchAt(i * 211 + 3))
const UP = ARCHS.map((_, i) => i)
/** Exponents -2..0: [1e-2, 1] ranks as the accuracies first written, [1e-1, 1] in reverse, [1e-2, 1e-1] close to the first. */
const SCORES: Record<string, Array<number | null>> = {
  '-2,0': UP,
  '-1,0': UP.map((x) => -x),
  '-2,-1': [1, 0, ...UP.slice(2)],
}

function valueOf<T>(result: ApiResult<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
  return result.value as T
}

function writeAccuracies(path: string, accuracy: (i: number) => number): void {
  writeFileSync(path, `arch,accuracy\n${ARCHS.map((arch, i) => `${arch},${accuracy(i)}`).join('\n')}\n`)
}

/** Issue 13: the harness's evaluation is stored with the sweep (migration 7) and served while nothing it read changed. */
describe('weights:select stores the evaluation with the sweep and serves it again', () => {
  let cleanup: () => void
  let dir: string
  let store: ScoreStore
  let services: ApiServices
  let sweep: string
  let accuracies: string
  const select = async (nanThreshold = 0.1) => valueOf<WeightsSelectResponse>(await dispatch(services.handlers, 'weights:select', { jobId: sweep, strategy: 'grid', bootstrap: 0, nanThreshold }))
  /** The stored rows, read through a connection of their own. */
  const storedRows = () => {
    const db = new Database(store.path, { readonly: true })
    try {
      return db.prepare<[], { job_id: string; nan_threshold: number; accuracies: string; inputs: string; harness: string }>('SELECT job_id, nan_threshold, accuracies, inputs, harness FROM sweep_evaluations ORDER BY nan_threshold').all()
    } finally {
      db.close()
    }
  }

  beforeAll(async () => {
    ;({ dir, cleanup } = tempDir('epsinas-weights-stored-'))
    store = openStore(join(dir, 'scores.db'))
    services = createApiServices({ store, version: '9.9.9', workers: 1, dataDir: dir, progressIntervalMs: 0 })
    accuracies = join(dir, 'acc.csv')
    writeAccuracies(accuracies, (i) => 60 + i)
    sweep = await runCachedSweep(store, await cacheSyntheticSweep(store, [-2, -1, 0], ARCHS, SCORES), ARCHS, accuracies)
  })
  afterAll(async () => {
    await services.dispose()
    store.close()
    cleanup()
  })

  test('the first request runs the harness and stores it; the next is served from the store, unchanged', async () => {
    const first = await select()
    expect(first.evaluation).toMatchObject({ stored: false, accuracies, archs: N, best: { exponents: [-2, 0], spearman: 1 } })
    const rows = storedRows()
    expect(rows).toEqual([{ job_id: sweep, nan_threshold: 0.1, accuracies, inputs: sweepInputsDigest(await sweepTable(store, sweep)), harness: harnessId() }])
    expect(rows[0].harness).toBe(`${STRATEGIES.map((s) => s.id).join(',')}#1`)

    const second = await select()
    expect(second.evaluation).toEqual({ ...first.evaluation, stored: true })
  })

  test('what is served is the stored JSON, not a recomputation', async () => {
    const db = new Database(store.path)
    try {
      db.prepare(`UPDATE sweep_evaluations SET evaluation = json_set(evaluation, '$.archs', 999) WHERE job_id = ?`).run(sweep)
    } finally {
      db.close()
    }
    expect((await select()).evaluation).toMatchObject({ stored: true, archs: 999 })
  })

  test('new accuracies invalidate it: the harness runs again and replaces the stored one', async () => {
    const before = (await select()).evaluation
    writeAccuracies(accuracies, (i) => 90 - i)
    const after = (await select()).evaluation
    expect(after).toMatchObject({ stored: false, archs: N, best: { exponents: [-1, 0], spearman: 1 } })
    expect(after?.strategies.find((s) => s.strategy === 'grid')?.chosen).toMatchObject({ exponents: [-2, 0], spearman: -1 })
    expect(Date.parse(after?.evaluatedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(before?.evaluatedAt ?? ''))
    const rows = storedRows()
    expect(rows).toHaveLength(1)
    expect(rows[0].inputs).toBe(sweepInputsDigest(await sweepTable(store, sweep)))
    expect((await select()).evaluation).toEqual({ ...after, stored: true })
  })

  test('each NaN threshold keeps its own evaluation', async () => {
    expect((await select(0.5)).evaluation?.stored).toBe(false)
    expect((await select(0.1)).evaluation?.stored).toBe(true)
    expect(storedRows().map((r) => r.nan_threshold)).toEqual([0.1, 0.5])
  })

  test('a sweep without accuracies stores nothing', async () => {
    const unlabelled = await runCachedSweep(store, await cacheSyntheticSweep(store, [-2, -1, 0], ARCHS, SCORES), ARCHS)
    const answer = valueOf<WeightsSelectResponse>(await dispatch(services.handlers, 'weights:select', { jobId: unlabelled, strategy: 'grid', bootstrap: 0 }))
    expect(answer.evaluation).toBeNull()
    expect(storedRows().map((r) => r.job_id)).not.toContain(unlabelled)
  })

  // Through the foreign key's ON DELETE CASCADE (better-sqlite3 turns foreign keys on for every connection).
  test('cache:clear takes the stored evaluations with their jobs', async () => {
    expect(storedRows()).not.toHaveLength(0)
    expect((await dispatch(services.handlers, 'cache:clear', undefined)).ok).toBe(true)
    expect(storedRows()).toEqual([])
  })
})
