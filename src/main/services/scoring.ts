import { setMaxListeners } from 'node:events'
import { loadTfjs } from '../core/backends/tfjs/index.ts'
import { checkEngineRequest, engineKey, normalizeArch, shareableCanonicalKey, type EngineChoice, type NetworkForm } from '../core/scoring/index.ts'
import { inputCacheKey, minibatchBound } from '../data/index.ts'
import { loadMinibatch, type ResolvedBaseConfig, type ScoreTask, type ScoreTaskResult } from '../jobs/score-task.ts'
import { createScorePool, type ScorePool } from '../jobs/worker-pool.ts'
import type { ScoreStore, StoredScore } from '../store/index.ts'
import { getSpace } from '../core/spaces/registry.ts'
import { loadedUserSpace, refreshSpace } from '../user-spaces/load.ts'
import type { BackendId, DatasetId, EngineId, InputSource, NanReason, SpaceId, WeightPair } from '../../shared/types.ts'
import { EpsinasError, serializeError, type SerializedError } from '../../shared/errors.ts'
import { checkScoreParameters, checkWeightPair, scoreKeyShape } from './score-parameters.ts'
import { collapsedKernelsDescription } from '../core/backends/wasm/heap.ts'

/** What to score: archs under one configuration and one or more weight pairs. */
export interface ScorePairsRequest {
  space: SpaceId
  archs: readonly string[]
  dataset: DatasetId
  input: InputSource
  inputSeed: number
  batchSize: number
  pairs: readonly WeightPair[]
  engine: EngineId
  backend: BackendId
  /** Worker threads; default one per core. */
  workers?: number
}

/** Where a score came from: computed now, read from the cache, or shared with an identical network computed now. */
export type ScoreSource = 'computed' | 'cached' | 'shared'

/** One row of the result, in request order. */
export interface ScoreRow {
  arch: string
  epsilon: number | null
  nanReason: NanReason | null
  ms: number
  source: ScoreSource
  /** Arch whose computation gave this value when shared through the canonical form. */
  canonical: string | null
}

/** Progress of a run in (arch, pair) units; cached ones count at once. */
export interface ScoreProgress {
  done: number
  total: number
  nan: number
  failed: number
  /** Units per second since the first computation started. */
  rate: number
  etaSeconds: number | null
}

/** An architecture that could not be scored under a pair. */
export interface ScoreFailure {
  arch: string
  weights: WeightPair
  error: SerializedError
}

/** Outcome of one weight pair. */
export interface PairOutcome {
  weights: WeightPair
  configId: number
  rows: ScoreRow[]
  computed: number
  shared: number
  cached: number
  nan: number
}

/** Result of a multi-pair run. */
export interface ScorePairsSummary {
  engine: string
  /**
   * The input as the cache key stores it: `real:<16 hex>` names the installed data (see
   * data/installed-identity.ts), so score files of runs on different data are told apart.
   */
  input: string
  backendReason: string
  /** The request's archs, normalised, repeats dropped, in request order. */
  archs: string[]
  pairs: PairOutcome[]
  failed: ScoreFailure[]
  cancelled: boolean
  wallMs: number
}

/** Collaborators of a run. */
export interface ScoreRunContext {
  store: ScoreStore
  onProgress?: (progress: ScoreProgress) => void
  signal?: AbortSignal
  /** A pool to reuse; by default one is created for the run and closed after it. */
  pool?: ScorePool
}

/** A group of archs that build the same network: scored once through `representative`. */
interface ScoreGroup {
  representative: string
  form: NetworkForm
  members: string[]
  /** Pairs (indices into the request's pairs) some member still needs. */
  pairs: number[]
}

/**
 * Scores archs under several weight pairs with caching: validates every input before anything
 * runs, serves cached scores, scores each group of provably identical networks once on the
 * worker pool (one forward pass per distinct weight), and stores each finished task in one
 * transaction, so an interrupted run keeps everything it finished. A worker that dies is
 * replaced; the architecture that killed it is isolated, reported as failed, and the run goes on.
 */
export async function scorePairs(request: ScorePairsRequest, context: ScoreRunContext): Promise<ScorePairsSummary> {
  const started = performance.now()
  // A user space may have been imported again or removed by another process since this one loaded it.
  refreshSpace(request.space)
  checkScoreParameters(request)
  if (request.pairs.length === 0) throw new EpsinasError('BAD_ARGUMENT', 'no weight pair to score')
  request.pairs.forEach(checkWeightPair)
  const archs = uniqueNormalized(request.space, request.archs)
  const { engine, reason } = await resolveEngine(request.engine, request.backend)
  const base: ResolvedBaseConfig = { space: request.space, dataset: request.dataset, input: request.input, inputSeed: request.inputSeed, batchSize: request.batchSize, engine }
  const { store } = context
  const { classes, imageSize } = scoreKeyShape(request.space, request.dataset)
  // `real` is keyed by the installed files' hashes: other images are another configuration.
  const input = await inputCacheKey(request.input, request.dataset)
  const configIds = request.pairs.map((weights) =>
    store.configId({ space: request.space, dataset: request.dataset, classes, imageSize, input, inputSeed: request.inputSeed, batchSize: request.batchSize, weights, engine: engineKey(engine) }),
  )

  // The cache names an arch by what fixes its network (an imported file's content hash too); rows show the arch.
  const cacheNames = cacheArchs(request.space, archs)
  const archOfCacheName = new Map([...cacheNames].map(([arch, name]) => [name, arch]))
  const rows = request.pairs.map(() => new Map<string, ScoreRow>())
  const cached = configIds.map((configId, p) => {
    for (const [name, stored] of store.lookup(configId, [...cacheNames.values()])) {
      const arch = archOfCacheName.get(name) as string
      rows[p].set(arch, { ...stored, arch, canonical: stored.canonical === null ? null : (archOfCacheName.get(stored.canonical) ?? stored.canonical), source: 'cached' })
    }
    return rows[p].size
  })
  const missingPairs = new Map<string, number[]>()
  for (const arch of archs) {
    const pairs = request.pairs.flatMap((_, p) => (rows[p].has(arch) ? [] : [p]))
    if (pairs.length > 0) missingPairs.set(arch, pairs)
  }
  const groups = await groupIdenticalNetworks(missingPairs, base, request.pairs)

  const failed: ScoreFailure[] = []
  const total = archs.length * request.pairs.length
  let done = cached.reduce((a, b) => a + b, 0)
  const cachedUnits = done
  let nan = rows.reduce((sum, map) => sum + [...map.values()].filter((row) => row.epsilon === null).length, 0)
  let computeStarted = 0
  const report = (): void => {
    if (!context.onProgress) return
    const elapsed = (performance.now() - computeStarted) / 1000
    const rate = computeStarted > 0 && elapsed > 0 ? (done - cachedUnits) / elapsed : 0
    const left = total - done
    context.onProgress({ done, total, nan, failed: failed.length, rate, etaSeconds: left === 0 ? 0 : rate > 0 ? left / rate : null })
  }
  report()

  const record = (group: ScoreGroup, result: ScoreTaskResult): void => {
    if (!result.ok) {
      for (const arch of group.members) {
        for (const p of missingPairs.get(arch) ?? []) failed.push({ arch, weights: request.pairs[p], error: result.error })
        done += missingPairs.get(arch)?.length ?? 0
      }
      return
    }
    const batch: Array<{ configId: number; scores: StoredScore[] }> = []
    for (const score of result.scores) {
      const p = score.pair
      const toStore: StoredScore[] = []
      for (const arch of group.members) {
        if (rows[p].has(arch) || !missingPairs.get(arch)?.includes(p)) continue
        const shared = arch !== group.representative
        const row: ScoreRow = {
          arch,
          epsilon: score.epsilon,
          nanReason: score.nanReason,
          ms: shared ? 0 : result.ms / result.scores.length,
          source: shared ? 'shared' : 'computed',
          canonical: shared ? group.representative : null,
        }
        rows[p].set(arch, row)
        toStore.push({ arch: cacheNames.get(arch) as string, epsilon: row.epsilon, nanReason: row.nanReason, ms: row.ms, canonical: row.canonical === null ? null : (cacheNames.get(row.canonical) ?? row.canonical) })
        done++
        if (row.epsilon === null) nan++
      }
      batch.push({ configId: configIds[p], scores: toStore })
    }
    store.putBatch(batch)
  }

  let cancelled = false
  if (groups.length > 0) {
    const pool = context.pool ?? createScorePool(request.workers)
    computeStarted = performance.now()
    // Every queued task listens to the one signal.
    if (context.signal) setMaxListeners(0, context.signal)
    const weights = [...new Set(request.pairs.flat())]
    const pairIndices = request.pairs.map(([low, high]) => [weights.indexOf(low), weights.indexOf(high)] as const)
    const userSpaceFolder = loadedUserSpace(request.space)?.folder
    const taskFor = (part: readonly ScoreGroup[]): ScoreTask => ({
      config: base,
      weights,
      pairs: pairIndices,
      items: part.map((group) => ({ arch: group.representative, form: group.form, pairs: group.pairs, cacheArch: cacheNames.get(group.representative) })),
      ...(userSpaceFolder === undefined ? {} : { userSpaceFolder }),
    })
    const byArch = new Map(groups.map((group) => [group.representative, group]))
    const runPart = async (part: readonly ScoreGroup[]): Promise<void> => {
      let results: ScoreTaskResult[]
      try {
        results = await pool.run(taskFor(part), context.signal)
      } catch (error) {
        if (context.signal?.aborted) throw error
        // A dead worker takes its whole task down: retry the archs one by one to find the culprit.
        if (part.length > 1) {
          await Promise.all(part.map((group) => runPart([group])))
          return
        }
        const why = error instanceof Error ? error.message : String(error)
        results = [{ arch: part[0].representative, ok: false, error: serializeError(new EpsinasError('WORKER_FAILED', `the worker died while scoring this architecture (${why})`)) }]
      }
      for (const result of results) record(byArch.get(result.arch) as ScoreGroup, result)
      report()
    }
    try {
      const outcomes = await Promise.allSettled(chunk(groups, taskSize(groups.length, pool.workers)).map(runPart))
      const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')
      if (rejected) {
        if (context.signal?.aborted) cancelled = true
        else throw rejected.reason
      }
    } finally {
      if (!context.pool) await pool.close()
    }
  }

  return {
    engine: engineKey(engine),
    input,
    backendReason: reason,
    archs,
    pairs: request.pairs.map((weights, p) => {
      const ordered = archs.flatMap((arch) => rows[p].get(arch) ?? [])
      const count = (source: ScoreSource): number => ordered.filter((row) => row.source === source).length
      return { weights, configId: configIds[p], rows: ordered, computed: count('computed'), shared: count('shared'), cached: count('cached'), nan: ordered.filter((r) => r.epsilon === null).length }
    }),
    failed,
    cancelled,
    wallMs: performance.now() - started,
  }
}

/**
 * Each arch's name in the score cache: its written form, except in spaces whose written form does
 * not fix the network (an imported file's stem: `stem@sha256`), so a changed file misses the cache.
 */
export function cacheArchs(space: SpaceId, archs: readonly string[]): Map<string, string> {
  const definition = getSpace(space)
  return new Map(archs.map((arch) => [arch, definition.hasCacheArch ? definition.cacheArch(arch) : arch]))
}

/** Normalises every arch (BAD_ARCH naming the entry for the first malformed one) and drops repeats. */
function uniqueNormalized(space: SpaceId, archs: readonly string[]): string[] {
  const seen = new Set<string>()
  archs.forEach((arch, index) => {
    try {
      seen.add(normalizeArch(space, arch))
    } catch (error) {
      if (error instanceof EpsinasError) throw new EpsinasError(error.code, `architecture ${index + 1} of ${archs.length}: ${error.message}`)
      throw error
    }
  })
  return [...seen]
}

/** The engine and backend that really run for a request (`auto` resolved by loading TensorFlow.js), and why. */
export async function resolveEngine(engine: EngineId, backend: BackendId): Promise<{ engine: EngineChoice; reason: string }> {
  const checked = checkEngineRequest(engine, backend)
  if (checked.engine === 'collapsed') return { engine: { engine: 'collapsed', backend: 'ts' }, reason: `ts (${collapsedKernelsDescription()})` }
  if (checked.backend === 'ts') return { engine: { engine: 'full', backend: 'ts' }, reason: 'ts (requested)' }
  // Resolve `auto` here, so the cache key names the backend that really runs.
  const runtime = await loadTfjs(checked.backend)
  return { engine: { engine: 'full', backend: runtime.backend }, reason: runtime.reason }
}

/**
 * Groups archs whose networks are provably identical at every weight involved (canonical form
 * exact), so each group is computed once; each group carries the union of its members' missing pairs.
 */
async function groupIdenticalNetworks(missing: ReadonlyMap<string, number[]>, config: ResolvedBaseConfig, pairs: readonly WeightPair[]): Promise<ScoreGroup[]> {
  if (missing.size === 0) return []
  const minibatch = await loadMinibatch(config)
  const inputBound = minibatchBound(minibatch)
  const spec = { space: config.space, dataset: config.dataset, batchSize: config.batchSize }
  const weights = [...new Set(pairs.flat())]
  const groups = new Map<string, ScoreGroup>()
  for (const [arch, archPairs] of missing) {
    const key = shareableCanonicalKey(arch, spec, weights, inputBound)
    const group = key === null ? undefined : groups.get(key)
    if (group) {
      group.members.push(arch)
      group.pairs = [...new Set([...group.pairs, ...archPairs])].sort((a, b) => a - b)
    } else {
      groups.set(key ?? `literal:${arch}`, { representative: arch, form: key === null ? 'literal' : 'pruned', members: [arch], pairs: [...archPairs] })
    }
  }
  return [...groups.values()]
}

/** Small tasks keep progress smooth and both cores busy to the end; large ones cut messaging. */
function taskSize(groups: number, workers: number): number {
  return Math.max(1, Math.min(8, Math.floor(groups / (workers * 16))))
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
