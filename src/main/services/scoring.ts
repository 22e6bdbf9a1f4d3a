import { setMaxListeners } from 'node:events'
import { loadTfjs } from '../core/backends/tfjs/index.ts'
import { checkEngineRequest, engineKey, normalizeArch, shareableCanonicalKey, type EngineChoice, type NetworkForm } from '../core/scoring/index.ts'
import { loadMinibatch, type ResolvedScoreConfig, type ScoreTaskResult } from '../jobs/score-task.ts'
import { createScorePool, type ScorePool } from '../jobs/worker-pool.ts'
import type { ScoreStore, StoredScore } from '../store/index.ts'
import { DATASETS, type BackendId, type DatasetId, type EngineId, type InputSource, type NanReason, type SpaceId, type WeightPair } from '../../shared/types.ts'
import { EpsinasError, type SerializedError } from '../../shared/errors.ts'
import { checkScoreParameters } from './score-parameters.ts'

/** What to score: archs under one configuration. */
export interface ScoreRequest {
  space: SpaceId
  archs: readonly string[]
  dataset: DatasetId
  input: InputSource
  inputSeed: number
  batchSize: number
  weights: WeightPair
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

/** Progress of a run; `done` counts archs resolved so far (cached ones at once). */
export interface ScoreProgress {
  done: number
  total: number
  nan: number
  failed: number
  /** Archs per second since the first computation started. */
  rate: number
  etaSeconds: number | null
}

/** Result of a run. */
export interface ScoreSummary {
  configId: number
  engine: string
  backendReason: string
  total: number
  computed: number
  shared: number
  cached: number
  nan: number
  failed: Array<{ arch: string; error: SerializedError }>
  cancelled: boolean
  wallMs: number
  /** Archs resolved per second over the whole run (cached ones included). */
  archsPerSecond: number
  rows: ScoreRow[]
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
}

/**
 * Scores archs with caching: validates every input before anything runs, serves cached scores,
 * scores each group of provably identical networks once on the worker pool, and stores each
 * finished task in one transaction, so an interrupted run keeps everything it finished.
 */
export async function scoreArchitectures(request: ScoreRequest, context: ScoreRunContext): Promise<ScoreSummary> {
  const started = performance.now()
  checkScoreParameters(request)
  const archs = uniqueNormalized(request.space, request.archs)
  const { engine, reason } = await resolveEngine(request.engine, request.backend)
  const config: ResolvedScoreConfig = { ...request, engine }
  const { store } = context
  const { classes, imageSize } = DATASETS[request.dataset]
  const configId = store.configId({
    space: request.space,
    dataset: request.dataset,
    classes,
    imageSize,
    input: request.input,
    inputSeed: request.inputSeed,
    batchSize: request.batchSize,
    weights: request.weights,
    engine: engineKey(engine),
  })

  const rows = new Map<string, ScoreRow>()
  for (const [arch, stored] of store.lookup(configId, archs)) rows.set(arch, { ...stored, source: 'cached' })
  const cached = rows.size
  const missing = archs.filter((arch) => !rows.has(arch))
  const groups = await groupIdenticalNetworks(missing, config)

  const failed: ScoreSummary['failed'] = []
  let nan = [...rows.values()].filter((row) => row.epsilon === null).length
  let computeStarted = 0
  const report = (): void => {
    if (!context.onProgress) return
    const done = rows.size + failed.length
    const elapsed = (performance.now() - computeStarted) / 1000
    const computedSoFar = done - cached
    const rate = computeStarted > 0 && elapsed > 0 ? computedSoFar / elapsed : 0
    const left = archs.length - done
    context.onProgress({ done, total: archs.length, nan, failed: failed.length, rate, etaSeconds: rate > 0 ? left / rate : left === 0 ? 0 : null })
  }
  report()

  let cancelled = false
  if (groups.length > 0) {
    const pool = context.pool ?? createScorePool(request.workers)
    computeStarted = performance.now()
    // Every queued task listens to the one signal.
    if (context.signal) setMaxListeners(0, context.signal)
    try {
      const byArch = new Map(groups.map((group) => [group.representative, group]))
      const tasks = chunk(groups, taskSize(groups.length, pool.workers)).map(async (part) => {
        const results = await pool.run({ config, items: part.map(({ representative, form }) => ({ arch: representative, form })) }, context.signal)
        const toStore: StoredScore[] = []
        for (const result of results) {
          const group = byArch.get(result.arch) as ScoreGroup
          if (!result.ok) {
            for (const arch of group.members) failed.push({ arch, error: result.error })
            continue
          }
          for (const arch of group.members) {
            const shared = arch !== group.representative
            const row: ScoreRow = {
              arch,
              epsilon: result.epsilon,
              nanReason: result.nanReason,
              ms: shared ? 0 : result.ms,
              source: shared ? 'shared' : 'computed',
              canonical: shared ? group.representative : null,
            }
            rows.set(arch, row)
            toStore.push({ arch, epsilon: row.epsilon, nanReason: row.nanReason, ms: row.ms, canonical: row.canonical })
            if (row.epsilon === null) nan++
          }
        }
        store.putMany(configId, toStore)
        report()
      })
      const outcomes = await Promise.allSettled(tasks)
      const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')
      if (rejected) {
        if (context.signal?.aborted) cancelled = true
        else throw rejected.reason
      }
    } finally {
      if (!context.pool) await pool.close()
    }
  }

  const orderedRows = archs.flatMap((arch) => rows.get(arch) ?? [])
  const wallMs = performance.now() - started
  const count = (source: ScoreSource): number => orderedRows.filter((row) => row.source === source).length
  return {
    configId,
    engine: engineKey(engine),
    backendReason: reason,
    total: archs.length,
    computed: count('computed'),
    shared: count('shared'),
    cached,
    nan,
    failed,
    cancelled,
    wallMs,
    archsPerSecond: orderedRows.length / (wallMs / 1000),
    rows: orderedRows,
  }
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

async function resolveEngine(engine: EngineId, backend: BackendId): Promise<{ engine: EngineChoice; reason: string }> {
  const checked = checkEngineRequest(engine, backend)
  if (checked.engine === 'collapsed') return { engine: { engine: 'collapsed', backend: 'ts' }, reason: 'ts (the collapsed engine runs on typed-array kernels)' }
  if (checked.backend === 'ts') return { engine: { engine: 'full', backend: 'ts' }, reason: 'ts (requested)' }
  // Resolve `auto` here, so the cache key names the backend that really runs.
  const runtime = await loadTfjs(checked.backend)
  return { engine: { engine: 'full', backend: runtime.backend }, reason: runtime.reason }
}

/** Groups archs whose networks are provably identical (canonical form exact at both weights). */
async function groupIdenticalNetworks(archs: readonly string[], config: ResolvedScoreConfig): Promise<ScoreGroup[]> {
  if (archs.length === 0) return []
  const minibatch = await loadMinibatch(config)
  let inputBound = 0
  for (const x of minibatch.data) inputBound = Math.max(inputBound, Math.abs(x))
  const spec = { space: config.space, dataset: config.dataset, batchSize: config.batchSize }
  const groups = new Map<string, ScoreGroup>()
  for (const arch of archs) {
    const key = shareableCanonicalKey(arch, spec, config.weights, inputBound)
    const group = key === null ? undefined : groups.get(key)
    if (group) group.members.push(arch)
    else groups.set(key ?? `literal:${arch}`, { representative: arch, form: key === null ? 'literal' : 'pruned', members: [arch] })
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
