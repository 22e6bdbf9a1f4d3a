import { setMaxListeners } from 'node:events'
import { loadTfjs } from '../core/backends/tfjs/index.ts'
import { checkEngineRequest, engineKey, normalizeArch, shareableCanonicalKey, type EngineChoice, type NetworkForm } from '../core/scoring/index.ts'
import { inputCacheKey, minibatchBound } from '../data/index.ts'
import { loadMinibatch, type ResolvedBaseConfig, type ScoreTask, type ScoreTaskResult } from '../jobs/score-task.ts'
import { ScoreRowTable, type ScoreRow } from './score-rows.ts'
import { createScorePool, type ScorePool } from '../jobs/worker-pool.ts'
import type { ScoreStore, StoredScore } from '../store/index.ts'
import { getSpace } from '../core/spaces/registry.ts'
import { loadedUserSpace, refreshSpace } from '../user-spaces/load.ts'
import type { BackendId, DatasetId, EngineId, InputSource, SpaceId, WeightPair } from '../../shared/types.ts'
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

export type { ScoreRow, ScoreSource } from './score-rows.ts'

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
  /** Each pair's outcome; its `rows` are made from a compact table each time they are read. */
  pairs: PairOutcome[]
  failed: ScoreFailure[]
  cancelled: boolean
  wallMs: number
  /**
   * The most archs the run held per-arch bookkeeping for at once (found missing in the cache and
   * not yet recorded): at most a window of archs plus the tasks in flight, whatever the job's size.
   */
  heldArchsPeak: number
}

/** Collaborators of a run. */
export interface ScoreRunContext {
  store: ScoreStore
  onProgress?: (progress: ScoreProgress) => void
  signal?: AbortSignal
  /** A pool to reuse; by default one is created for the run and closed after it. */
  pool?: ScorePool
  /** Archs looked up, grouped and dispatched at a time (default SCORE_WINDOW_ARCHS; tests use small ones). */
  windowArchs?: number
}

/**
 * Archs a run looks up in the cache, groups and hands to the workers at a time. The run's memory
 * is then this window, the tasks in flight and its compact rows (score-rows.ts): flat as the job
 * grows (docs/performance.md, "NB101 memory as the job grows"). Jobs up to this size are grouped
 * and split into tasks exactly as when the whole job was one window.
 */
export const SCORE_WINDOW_ARCHS = 4096

/**
 * Tasks queued per worker besides the one it runs: enough that a worker never waits for the main
 * thread to record a result, few enough that queued tasks (each with its archs' bookkeeping) do not
 * grow with the job.
 */
const TASKS_AHEAD_PER_WORKER = 2

/** A group of archs (indices into the run's archs) that build the same network: scored once through `representative`. */
interface ScoreGroup {
  representative: number
  form: NetworkForm
  /** Archs waiting for this group's result; emptied when it is recorded. */
  members: number[]
  /** Pairs (indices into the request's pairs) some member still needs. */
  pairs: number[]
  /** Whether the group is in a task already: a later member needing other pairs starts a group of its own. */
  dispatched: boolean
  /** Whether archs in later windows may join it (a shareable canonical key): it then keeps its result for them. */
  shareable: boolean
  result?: ScoreTaskResult
}

/**
 * Scores archs under several weight pairs with caching: validates every input before anything
 * runs, serves cached scores, scores each group of provably identical networks once on the
 * worker pool (one forward pass per distinct weight), and stores each finished task in one
 * transaction, so an interrupted run keeps everything it finished. A worker that dies is
 * replaced; the architecture that killed it is isolated, reported as failed, and the run goes on.
 * The archs go through in windows (SCORE_WINDOW_ARCHS) with a bounded number of tasks in flight,
 * so what the run holds per arch is its name and its compact rows.
 */
export async function scorePairs(request: ScorePairsRequest, context: ScoreRunContext): Promise<ScorePairsSummary> {
  const started = performance.now()
  // A user space may have been imported again or removed by another process since this one loaded it.
  refreshSpace(request.space)
  checkScoreParameters(request)
  if (request.pairs.length === 0) throw new EpsinasError('BAD_ARGUMENT', 'no weight pair to score')
  request.pairs.forEach(checkWeightPair)
  const windowArchs = context.windowArchs ?? SCORE_WINDOW_ARCHS
  if (!Number.isSafeInteger(windowArchs) || windowArchs < 1) throw new EpsinasError('BAD_ARGUMENT', `a scoring window holds at least one architecture (got ${windowArchs})`)
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
  // Only such spaces (imported files, small) need the job-wide maps between the two names.
  const cacheNames = getSpace(request.space).hasCacheArch ? cacheArchs(request.space, archs) : null
  const archOfCacheName = cacheNames && new Map([...cacheNames].map(([arch, name]) => [name, arch]))
  const cacheName = (arch: string): string => cacheNames?.get(arch) ?? arch
  const tables = request.pairs.map(() => new ScoreRowTable(archs.length))
  const missingPairsOf = (index: number): number[] => request.pairs.flatMap((_, p) => (tables[p].has(index) ? [] : [p]))

  const failed: ScoreFailure[] = []
  const total = archs.length * request.pairs.length
  let done = 0
  let cachedUnits = 0
  let nan = 0
  let held = 0
  let heldArchsPeak = 0
  let computeStarted = 0
  const report = (): void => {
    if (!context.onProgress) return
    const elapsed = (performance.now() - computeStarted) / 1000
    const rate = computeStarted > 0 && elapsed > 0 ? (done - cachedUnits) / elapsed : 0
    const left = total - done
    context.onProgress({ done, total, nan, failed: failed.length, rate, etaSeconds: left === 0 ? 0 : rate > 0 ? left / rate : null })
  }

  /** Sets the rows of `members` from their group's result; returns what to store. */
  const rowsOf = (group: ScoreGroup, result: ScoreTaskResult, members: readonly number[]): Array<{ configId: number; scores: StoredScore[] }> => {
    if (!result.ok) {
      for (const index of members) {
        const pairs = missingPairsOf(index)
        for (const p of pairs) failed.push({ arch: archs[index], weights: request.pairs[p], error: result.error })
        done += pairs.length
      }
      return []
    }
    const batch: Array<{ configId: number; scores: StoredScore[] }> = []
    for (const score of result.scores) {
      const p = score.pair
      const toStore: StoredScore[] = []
      for (const index of members) {
        if (tables[p].has(index)) continue
        const shared = index !== group.representative
        const row = {
          epsilon: score.epsilon,
          nanReason: score.nanReason,
          ms: shared ? 0 : result.ms / result.scores.length,
          source: shared ? ('shared' as const) : ('computed' as const),
          canonical: shared ? archs[group.representative] : null,
        }
        tables[p].set(index, row)
        toStore.push({ arch: cacheName(archs[index]), epsilon: row.epsilon, nanReason: row.nanReason, ms: row.ms, canonical: row.canonical === null ? null : cacheName(row.canonical) })
        done++
        if (row.epsilon === null) nan++
      }
      batch.push({ configId: configIds[p], scores: toStore })
    }
    return batch
  }
  const record = (group: ScoreGroup, result: ScoreTaskResult): void => {
    const members = group.members
    group.members = []
    held -= members.length
    if (group.shareable) group.result = result
    const batch = rowsOf(group, result, members)
    if (batch.length > 0) store.putBatch(batch)
  }

  let pool: ScorePool | null = null
  const weights = [...new Set(request.pairs.flat())]
  const pairIndices = request.pairs.map(([low, high]) => [weights.indexOf(low), weights.indexOf(high)] as const)
  const userSpaceFolder = loadedUserSpace(request.space)?.folder
  const taskFor = (part: readonly ScoreGroup[]): ScoreTask => ({
    config: base,
    weights,
    pairs: pairIndices,
    items: part.map((group) => ({ arch: archs[group.representative], form: group.form, pairs: group.pairs, cacheArch: cacheName(archs[group.representative]) })),
    ...(userSpaceFolder === undefined ? {} : { userSpaceFolder }),
  })
  const runPart = async (activePool: ScorePool, part: readonly ScoreGroup[]): Promise<void> => {
    let results: ScoreTaskResult[]
    try {
      results = await activePool.run(taskFor(part), context.signal)
    } catch (error) {
      if (context.signal?.aborted) throw error
      // A dead worker takes its whole task down: retry the archs one by one to find the culprit.
      if (part.length > 1) {
        await Promise.all(part.map((group) => runPart(activePool, [group])))
        return
      }
      const why = error instanceof Error ? error.message : String(error)
      results = [{ arch: archs[part[0].representative], ok: false, error: serializeError(new EpsinasError('WORKER_FAILED', `the worker died while scoring this architecture (${why})`)) }]
    }
    const byArch = new Map(part.map((group) => [archs[group.representative], group]))
    for (const result of results) record(byArch.get(result.arch) as ScoreGroup, result)
    report()
  }

  // At most this many tasks run or wait on the pool; the next window waits for room.
  const inFlight = new Set<Promise<void>>()
  let partFailure: { reason: unknown } | null = null
  let skipped = false
  const dispatch = async (activePool: ScorePool, part: readonly ScoreGroup[]): Promise<void> => {
    while (inFlight.size >= activePool.workers * (1 + TASKS_AHEAD_PER_WORKER)) await Promise.race(inFlight)
    if (partFailure !== null || context.signal?.aborted) {
      skipped = true
      return
    }
    const running: Promise<void> = runPart(activePool, part)
      .catch((reason: unknown) => {
        partFailure ??= { reason }
      })
      .finally(() => inFlight.delete(running))
    inFlight.add(running)
  }

  // Groups that archs in later windows may join: only archs with a shareable canonical key (NB201's
  // 6,399 networks at most; none for NB101, whose specs never share), so this is bounded by the space.
  const networks = new Map<string, ScoreGroup>()
  let inputBound: number | null = null
  const spec = { space: request.space, dataset: request.dataset, batchSize: request.batchSize }
  // The first progress already counts every cached score (a resumed job does not start again from 0):
  // counted window by window without reading the rows, which are read when their window comes.
  for (let start = 0; start < archs.length; start += windowArchs) {
    const names = archs.slice(start, start + windowArchs).map(cacheName)
    for (const configId of configIds) cachedUnits += store.countCached(configId, names)
  }
  done = cachedUnits
  report()
  try {
    for (let start = 0; start < archs.length; start += windowArchs) {
      const end = Math.min(archs.length, start + windowArchs)
      const indexOfName = new Map<string, number>()
      for (let index = start; index < end; index++) indexOfName.set(cacheName(archs[index]), index)
      configIds.forEach((configId, p) => {
        for (const [name, stored] of store.lookup(configId, [...indexOfName.keys()])) {
          const canonical = stored.canonical === null ? null : (archOfCacheName?.get(stored.canonical) ?? stored.canonical)
          tables[p].set(indexOfName.get(name) as number, { epsilon: stored.epsilon, nanReason: stored.nanReason, ms: stored.ms, source: 'cached', canonical })
          if (stored.epsilon === null) nan++
        }
      })
      // After a pause or cancel, the rest of the job is only looked up: its cached rows still count.
      if (context.signal?.aborted || partFailure !== null) {
        for (let index = start; index < end && !skipped; index++) skipped = missingPairsOf(index).length > 0
        report()
        continue
      }
      const windowGroups: ScoreGroup[] = []
      const lateRows: Array<{ configId: number; scores: StoredScore[] }> = []
      for (let index = start; index < end; index++) {
        const pairs = missingPairsOf(index)
        if (pairs.length === 0) continue
        inputBound ??= minibatchBound(await loadMinibatch(base))
        const key = shareableCanonicalKey(archs[index], spec, weights, inputBound)
        const known = key === null ? undefined : networks.get(key)
        if (known && !known.dispatched) {
          known.members.push(index)
          known.pairs = [...new Set([...known.pairs, ...pairs])].sort((a, b) => a - b)
          held++
        } else if (known && pairs.every((p) => known.pairs.includes(p))) {
          // The network is computed or being computed: this arch waits for it or takes its result now.
          if (known.result) lateRows.push(...rowsOf(known, known.result, [index]))
          else {
            known.members.push(index)
            held++
          }
        } else {
          const group: ScoreGroup = { representative: index, form: key === null ? 'literal' : 'pruned', members: [index], pairs, dispatched: false, shareable: key !== null }
          held++
          windowGroups.push(group)
          if (key !== null) networks.set(key, group)
        }
        heldArchsPeak = Math.max(heldArchsPeak, held)
      }
      if (lateRows.length > 0) store.putBatch(lateRows)
      report()
      if (windowGroups.length === 0) continue
      if (pool === null) {
        pool = context.pool ?? createScorePool(request.workers)
        computeStarted = performance.now()
        // Every queued task listens to the one signal.
        if (context.signal) setMaxListeners(0, context.signal)
      }
      for (const group of windowGroups) group.dispatched = true
      for (const part of chunk(windowGroups, taskSize(windowGroups.length, pool.workers))) await dispatch(pool, part)
    }
    while (inFlight.size > 0) await Promise.race(inFlight)
  } finally {
    // A window that failed (a store write, an unreadable minibatch) leaves no task behind writing to the store.
    await Promise.allSettled(inFlight)
    if (pool !== null && !context.pool) await pool.close()
  }
  const stopped = partFailure as { reason: unknown } | null
  let cancelled = false
  if (stopped !== null || skipped) {
    if (context.signal?.aborted) cancelled = true
    else if (stopped !== null) throw stopped.reason
  }

  return {
    engine: engineKey(engine),
    input,
    backendReason: reason,
    archs,
    pairs: request.pairs.map((weights, p) => {
      const table = tables[p]
      return {
        weights,
        configId: configIds[p],
        // Made on each read: a caller that keeps them pays for them, the run does not.
        get rows(): ScoreRow[] {
          return table.rows(archs)
        },
        computed: table.count('computed'),
        shared: table.count('shared'),
        cached: table.count('cached'),
        nan: table.nan,
      }
    }),
    failed,
    cancelled,
    wallMs: performance.now() - started,
    heldArchsPeak,
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
      // Keep the caller's string where it is already normal: the job holds one copy of each name, not two.
      const normal = normalizeArch(space, arch)
      seen.add(normal === arch ? arch : normal)
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

/** Small tasks keep progress smooth and both cores busy to the end; large ones cut messaging. */
function taskSize(groups: number, workers: number): number {
  return Math.max(1, Math.min(8, Math.floor(groups / (workers * 16))))
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
