import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createScorePool, type ScorePool } from '../../src/main/jobs/worker-pool.ts'
import { scoreArchitectures, type ScoreProgress, type ScoreRequest } from '../../src/main/services/scoring.ts'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { openStore, type ScoreStore } from '../../src/main/store/index.ts'
import { EpsinasError } from '../../src/shared/errors.ts'

const archs = Array.from({ length: 40 }, (_, i) => nb201ArchAt(i * 389))
const request: ScoreRequest = {
  space: 'nb201',
  archs,
  dataset: 'cifar10',
  input: 'grey',
  inputSeed: 0,
  batchSize: 4,
  weights: [1e-7, 1],
  engine: 'collapsed',
  backend: 'auto',
}

describe('scoreArchitectures', () => {
  let dir: string
  let pool: ScorePool
  let store: ScoreStore
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'epsinas-scoring-'))
    pool = createScorePool(2)
    store = openStore(join(dir, 'scores.db'))
  })
  afterAll(async () => {
    store.close()
    await pool.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('should report monotonic progress ending at the total, then serve everything from the cache', async () => {
    const events: ScoreProgress[] = []
    const first = await scoreArchitectures(request, { store, pool, onProgress: (p) => events.push(p) })
    expect(first.total).toBe(40)
    expect(first.computed + first.shared).toBe(40)
    expect(first.failed).toEqual([])
    expect(events.map((e) => e.done)).toEqual([...events.map((e) => e.done)].sort((a, b) => a - b))
    expect(events.at(-1)).toMatchObject({ done: 40, total: 40, etaSeconds: 0 })
    expect(first.nan).toBe(first.rows.filter((r) => r.epsilon === null).length)

    const second = await scoreArchitectures(request, { store, pool })
    expect(second).toMatchObject({ computed: 0, shared: 0, cached: 40 })
    expect(second.rows.map((r) => r.epsilon)).toEqual(first.rows.map((r) => r.epsilon))
    expect(store.countScores(first.configId)).toBe(40)
  })

  test('should key the cache by every field: another seed of a seeded input is computed anew', async () => {
    const normal = { ...request, archs: archs.slice(0, 4), input: 'normal' as const }
    const a = await scoreArchitectures(normal, { store, pool })
    const b = await scoreArchitectures({ ...normal, inputSeed: 1 }, { store, pool })
    expect(a.configId).not.toBe(b.configId)
    expect(b.cached).toBe(0)
    expect(b.rows.map((r) => r.epsilon)).not.toEqual(a.rows.map((r) => r.epsilon))
  })

  test('should keep the scores finished before a cancel, and resume from them', async () => {
    const big = { ...request, archs: Array.from({ length: 60 }, (_, i) => nb201ArchAt(i * 97 + 5)), batchSize: 16 }
    const controller = new AbortController()
    const cancelled = await scoreArchitectures(big, {
      store,
      pool,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 10) controller.abort()
      },
    })
    expect(cancelled.cancelled).toBe(true)
    const kept = store.countScores(cancelled.configId)
    expect(kept).toBeGreaterThanOrEqual(10)
    expect(kept).toBeLessThan(60)
    const resumed = await scoreArchitectures(big, { store, pool })
    expect(resumed.cached).toBe(kept)
    expect(resumed.cancelled).toBe(false)
    expect(store.countScores(resumed.configId)).toBe(60)
    expect(store.integrityCheck()).toBe('ok')
  })

  test('should reject a malformed arch before computing or storing anything', async () => {
    const before = store.listConfigs().length
    const bad = { ...request, weights: [1e-6, 1] as const, archs: [archs[0], '|skip_connect~0|+|none~0|'] }
    await expect(scoreArchitectures(bad, { store, pool })).rejects.toThrow(/architecture 2 of 2: .*node/)
    await expect(scoreArchitectures(bad, { store, pool })).rejects.toBeInstanceOf(EpsinasError)
    expect(store.listConfigs().length).toBe(before)
  })
})
