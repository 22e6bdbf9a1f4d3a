import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createScorePool, type ScorePool } from '../../src/main/jobs/worker-pool.ts'
import { scorePairs, type ScoreProgress, type ScorePairsRequest } from '../../src/main/services/scoring.ts'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { openStore, type ScoreStore } from '../../src/main/store/index.ts'
import { EpsinasError } from '../../src/shared/errors.ts'

const archs = Array.from({ length: 40 }, (_, i) => nb201ArchAt(i * 389))
const request: ScorePairsRequest = {
  space: 'nb201',
  archs,
  dataset: 'cifar10',
  input: 'grey',
  inputSeed: 0,
  batchSize: 4,
  pairs: [[1e-7, 1]],
  engine: 'collapsed',
  backend: 'auto',
}

describe('scorePairs', () => {
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
    const first = await scorePairs(request, { store, pool, onProgress: (p) => events.push(p) })
    const [pair] = first.pairs
    expect(pair.computed + pair.shared).toBe(40)
    expect(first.failed).toEqual([])
    expect(events.map((e) => e.done)).toEqual([...events.map((e) => e.done)].sort((a, b) => a - b))
    expect(events.at(-1)).toMatchObject({ done: 40, total: 40, etaSeconds: 0 })
    expect(pair.nan).toBe(pair.rows.filter((r) => r.epsilon === null).length)

    const second = await scorePairs(request, { store, pool })
    expect(second.pairs[0]).toMatchObject({ computed: 0, shared: 0, cached: 40 })
    expect(second.pairs[0].rows.map((r) => r.epsilon)).toEqual(pair.rows.map((r) => r.epsilon))
    expect(store.countScores(pair.configId)).toBe(40)
  })

  test('should give every pair of a multi-pair run the same scores as single-pair runs, reusing the cache', async () => {
    const some = archs.slice(0, 6)
    const pairs = [[1e-7, 1], [1e-7, 1e-3], [1e-3, 1]] as const
    const multi = await scorePairs({ ...request, archs: some, pairs: [...pairs] }, { store, pool })
    // [1e-7, 1] came from the first test's cache; the other two were computed from 3 forward passes per arch.
    expect(multi.pairs.map((p) => p.cached)).toEqual([6, 0, 0])
    const fresh = openStore(join(dir, 'fresh.db'))
    try {
      for (const [p, weights] of pairs.entries()) {
        const single = await scorePairs({ ...request, archs: some, pairs: [weights] }, { store: fresh, pool })
        expect(single.pairs[0].rows.map((r) => r.epsilon)).toEqual(multi.pairs[p].rows.map((r) => r.epsilon))
      }
    } finally {
      fresh.close()
    }
  })

  test('should key the cache by every field: another seed of a seeded input is computed anew', async () => {
    const normal = { ...request, archs: archs.slice(0, 4), input: 'normal' as const }
    const a = await scorePairs(normal, { store, pool })
    const b = await scorePairs({ ...normal, inputSeed: 1 }, { store, pool })
    expect(a.pairs[0].configId).not.toBe(b.pairs[0].configId)
    expect(b.pairs[0].cached).toBe(0)
    expect(b.pairs[0].rows.map((r) => r.epsilon)).not.toEqual(a.pairs[0].rows.map((r) => r.epsilon))
  })

  test('should keep the scores finished before a cancel, and resume from them', async () => {
    const big = { ...request, archs: Array.from({ length: 60 }, (_, i) => nb201ArchAt(i * 97 + 5)), batchSize: 16 }
    const controller = new AbortController()
    const cancelled = await scorePairs(big, {
      store,
      pool,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 10) controller.abort()
      },
    })
    expect(cancelled.cancelled).toBe(true)
    const configId = cancelled.pairs[0].configId
    const kept = store.countScores(configId)
    expect(kept).toBeGreaterThanOrEqual(10)
    expect(kept).toBeLessThan(60)
    const resumed = await scorePairs(big, { store, pool })
    expect(resumed.pairs[0].cached).toBe(kept)
    expect(resumed.cancelled).toBe(false)
    expect(store.countScores(configId)).toBe(60)
    expect(store.integrityCheck()).toBe('ok')
  })

  test('should reject a malformed arch before computing or storing anything', async () => {
    const before = store.listConfigs().length
    const bad = { ...request, pairs: [[1e-6, 1] as const], archs: [archs[0], '|skip_connect~0|+|none~0|'] }
    await expect(scorePairs(bad, { store, pool })).rejects.toThrow(/architecture 2 of 2: .*node/)
    await expect(scorePairs(bad, { store, pool })).rejects.toBeInstanceOf(EpsinasError)
    expect(store.listConfigs().length).toBe(before)
  })
})
