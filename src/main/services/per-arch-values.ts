/**
 * The resumable loop shared by every per-arch value stored in the native proxy table (`epsinas
 * proxies`, the init study): serve what the cache holds under each full key, compute the rest arch
 * by arch, and store each value as soon as it is computed, so a run that is stopped and started again
 * computes only what is missing. One network is built per arch, whatever number of values it gives.
 */
import { performance } from 'node:perf_hooks'
import { openProxyScoreStore, type ProxyScoreKey } from '../store/proxy-scores.ts'
import type { ScoreProgress } from './scoring.ts'

export interface PerArchValuesSpec<Id> {
  /** The cache file (its native proxy table). */
  dbPath: string
  archs: readonly string[]
  /** What is computed per arch (proxies, init schemes), each stored under its own key. */
  ids: readonly Id[]
  keyOf(id: Id): ProxyScoreKey
  /**
   * Readies one arch (builds its network, loads the batch once) and gives the function that
   * computes one of its values: null where the value is undefined (NaN, a singular kernel).
   */
  prepare(arch: string): Promise<(id: Id) => number | null>
  /** Called with the archs done out of those with anything to compute (null-valued counts as `nan`). */
  onProgress?: (progress: ScoreProgress) => void
}

export interface PerArchValues<Id> {
  /** Per id, per arch: the value, null where undefined. Every arch of the spec has every id. */
  values: ReadonlyMap<Id, ReadonlyMap<string, number | null>>
  computed: number
  cached: number
}

export async function computePerArchValues<Id>(spec: PerArchValuesSpec<Id>): Promise<PerArchValues<Id>> {
  const store = openProxyScoreStore(spec.dbPath)
  try {
    const values = new Map(spec.ids.map((id) => [id, new Map<string, number | null>()]))
    const missing = new Map<string, Id[]>()
    let cached = 0
    for (const id of spec.ids) {
      const stored = store.scores(spec.keyOf(id))
      for (const arch of spec.archs) {
        const score = stored.get(arch)
        if (score) {
          values.get(id)?.set(arch, score.value)
          cached++
        } else missing.set(arch, [...(missing.get(arch) ?? []), id])
      }
    }
    const todo = spec.archs.filter((arch) => missing.has(arch))
    let computed = 0
    let undefinedCount = 0
    const started = performance.now()
    const report = (done: number): void => {
      const seconds = (performance.now() - started) / 1000
      const rate = seconds > 0 ? done / seconds : 0
      spec.onProgress?.({ done, total: todo.length, nan: undefinedCount, failed: 0, rate, etaSeconds: rate > 0 ? (todo.length - done) / rate : null })
    }
    if (todo.length > 0) report(0)
    for (const [index, arch] of todo.entries()) {
      const computeOne = await spec.prepare(arch)
      for (const id of missing.get(arch) ?? []) {
        const begin = performance.now()
        const value = computeOne(id)
        store.put(spec.keyOf(id), { arch, value, ms: performance.now() - begin })
        values.get(id)?.set(arch, value)
        computed++
        if (value === null) undefinedCount++
      }
      report(index + 1)
    }
    return { values, computed, cached }
  } finally {
    store.close()
  }
}
