import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createScorePool, type ScorePool } from '../../src/main/jobs/worker-pool.ts'
import { scorePairs, type ScorePairsRequest, type ScorePairsSummary } from '../../src/main/services/scoring.ts'
import { ScoreRowTable } from '../../src/main/services/score-rows.ts'
import { nb201ArchAt, nb201CanonicalKey } from '../../src/main/core/spaces/nb201/index.ts'
import { openStore, type ScoreStore } from '../../src/main/store/index.ts'
import { distinctArchs } from './helpers.ts'

// A job goes through scorePairs in windows of archs with a bounded number of tasks in flight, so
// what it holds per arch does not grow with the job (docs/performance.md, "NB101 memory as the job
// grows"). These tests run small windows on real workers: the bookkeeping stays at a window's size
// as the job grows, and the windows change no score, no source and no sharing.

const WORKERS = 2
const base: Omit<ScorePairsRequest, 'archs'> = {
  space: 'nb201',
  dataset: 'cifar10',
  input: 'grey',
  inputSeed: 0,
  batchSize: 4,
  pairs: [[1e-7, 1]],
  engine: 'collapsed',
  backend: 'auto',
}

/**
 * NB201 archs that share networks, members of one network far apart in the list: the first
 * member of each of `networks` networks, then the second of each, then the third, so the later
 * members fall in later windows than the arch computed for them.
 */
function spreadSharingArchs(networks: number, members: number): string[] {
  const byKey = new Map<string, string[]>()
  for (let i = 0; i < 15625; i++) {
    const arch = nb201ArchAt((i * 601 + 7) % 15625)
    const key = nb201CanonicalKey(arch)
    const list = byKey.get(key) ?? []
    if (list.length < members) list.push(arch)
    byKey.set(key, list)
    if ([...byKey.values()].filter((l) => l.length === members).length === networks) break
  }
  const full = [...byKey.values()].filter((l) => l.length === members).slice(0, networks)
  return Array.from({ length: members }, (_, m) => full.map((list) => list[m])).flat()
}

/** The rows of a summary, as comparable values. */
function rowsOf(summary: ScorePairsSummary, p = 0) {
  return summary.pairs[p].rows.map(({ arch, epsilon, nanReason, source, canonical }) => ({ arch, epsilon, nanReason, source, canonical }))
}

describe('scorePairs in windows', () => {
  let dir: string
  let pool: ScorePool
  let stores = 0
  const fresh = (): ScoreStore => openStore(join(dir, `scores-${stores++}.db`))
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'epsinas-windows-'))
    pool = createScorePool(WORKERS)
  })
  afterAll(async () => {
    await pool.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('should hold bookkeeping for a window of archs and the tasks in flight, however long the job', async () => {
    const window = 8
    // taskSize gives one-arch tasks for a window of 8 groups on 2 workers; at most 3 tasks per worker are in flight.
    const bound = window + WORKERS * 3
    const peaks: number[] = []
    for (const n of [24, 96]) {
      const store = fresh()
      const summary = await scorePairs({ ...base, archs: distinctArchs(n) }, { store, pool, windowArchs: window })
      store.close()
      expect(summary.pairs[0].computed).toBe(n)
      peaks.push(summary.heldArchsPeak)
    }
    expect(peaks[0]).toBeLessThanOrEqual(bound)
    expect(peaks[1]).toBeLessThanOrEqual(bound)
    expect(peaks[1]).toBeGreaterThan(0)
    // One window the size of the job holds every arch from the cache lookup to its result, as every
    // job did before windows: the measure sees a job-sized structure when there is one.
    const store = fresh()
    const whole = await scorePairs({ ...base, archs: distinctArchs(24) }, { store, pool, windowArchs: 24 })
    store.close()
    expect(whole.heldArchsPeak).toBe(24)
  })

  test('should score, share and store exactly as one window does, members of a network spread over windows', async () => {
    const archs = spreadSharingArchs(6, 3)
    expect(archs).toHaveLength(18)
    const oneStore = fresh()
    const one = await scorePairs({ ...base, archs }, { store: oneStore, pool })
    const windowedStore = fresh()
    const windowed = await scorePairs({ ...base, archs }, { store: windowedStore, pool, windowArchs: 4 })
    expect(rowsOf(windowed)).toEqual(rowsOf(one))
    const { rows: _one, ...oneCounts } = one.pairs[0]
    const { rows: _windowed, ...windowedCounts } = windowed.pairs[0]
    expect(windowedCounts).toEqual({ ...oneCounts, configId: windowedCounts.configId })
    // Six networks computed, twelve archs shared with an arch of an earlier window.
    expect([windowed.pairs[0].computed, windowed.pairs[0].shared]).toEqual([6, 12])
    expect(windowedStore.scoresFor(windowed.pairs[0].configId)).toEqual(oneStore.scoresFor(one.pairs[0].configId).map((s) => ({ ...s, ms: expect.any(Number) as number })))
    oneStore.close()
    windowedStore.close()
  })

  test('should serve a second pair to archs whose first is cached, in windows, as one window does', async () => {
    const archs = spreadSharingArchs(4, 3)
    const pairs = [[1e-7, 1], [1e-3, 1]] as const
    const results: ScorePairsSummary[] = []
    for (const windowArchs of [undefined, 3]) {
      const store = fresh()
      // Half the archs have the first pair cached: their groups need only the second.
      await scorePairs({ ...base, archs: archs.filter((_, i) => i % 2 === 0) }, { store, pool })
      results.push(await scorePairs({ ...base, archs, pairs: [...pairs] }, { store, pool, windowArchs }))
      store.close()
    }
    expect(rowsOf(results[1], 0)).toEqual(rowsOf(results[0], 0))
    expect(rowsOf(results[1], 1)).toEqual(rowsOf(results[0], 1))
    expect(results[1].pairs.map((p) => p.cached + p.computed + p.shared)).toEqual([archs.length, archs.length])
  })

  test('should stop at a pause between windows, keep what finished and resume to the same scores', async () => {
    const archs = distinctArchs(40)
    const reference = await scorePairs({ ...base, archs }, { store: fresh(), pool })
    const store = fresh()
    const stop = new AbortController()
    const paused = await scorePairs({ ...base, archs }, { store, pool, windowArchs: 5, signal: stop.signal, onProgress: (p) => (p.done >= 10 ? stop.abort() : undefined) })
    expect(paused.cancelled).toBe(true)
    const kept = paused.pairs[0].computed
    expect(kept).toBeGreaterThanOrEqual(10)
    expect(kept).toBeLessThan(40)
    // The resumed job's first progress already counts what was kept (a progress bar never restarts at 0).
    const progress: number[] = []
    const resumed = await scorePairs({ ...base, archs }, { store, pool, windowArchs: 5, onProgress: (p) => progress.push(p.done) })
    expect(progress[0]).toBeGreaterThanOrEqual(kept)
    expect(resumed.cancelled).toBe(false)
    expect([resumed.pairs[0].cached, resumed.pairs[0].computed]).toEqual([kept, 40 - kept])
    expect(rowsOf(resumed).map(({ source: _s, ...row }) => row)).toEqual(rowsOf(reference).map(({ source: _s, ...row }) => row))
    store.close()
  })
})

describe('ScoreRowTable', () => {
  test('should give back every row as set, in arch order, with its counts', () => {
    const table = new ScoreRowTable(5)
    table.set(3, { epsilon: null, nanReason: 'outputs-constant', ms: 0, source: 'shared', canonical: 'a1' })
    table.set(0, { epsilon: -0, nanReason: null, ms: 1.25, source: 'computed', canonical: null })
    table.set(4, { epsilon: 0.123456789012345, nanReason: null, ms: 2, source: 'cached', canonical: 'a0' })
    expect(table.rows(['a0', 'a1', 'a2', 'a3', 'a4'])).toEqual([
      { arch: 'a0', epsilon: -0, nanReason: null, ms: 1.25, source: 'computed', canonical: null },
      { arch: 'a3', epsilon: null, nanReason: 'outputs-constant', ms: 0, source: 'shared', canonical: 'a1' },
      { arch: 'a4', epsilon: 0.123456789012345, nanReason: null, ms: 2, source: 'cached', canonical: 'a0' },
    ])
    expect(Object.is(table.rows(['a0', 'a1', 'a2', 'a3', 'a4'])[0].epsilon, -0)).toBe(true)
    expect([table.size, table.nan, table.count('computed'), table.count('cached'), table.count('shared')]).toEqual([3, 1, 1, 1, 1])
    expect([table.has(0), table.has(1)]).toEqual([true, false])
    expect(() => table.set(0, { epsilon: 1, nanReason: null, ms: 0, source: 'computed', canonical: null })).toThrow('score row 0 set twice')
  })
})
