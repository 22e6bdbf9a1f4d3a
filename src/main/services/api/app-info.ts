/** app:info: version, engines and the backends they really run on, workers, paths and cache size. */
import type { AppInfo, EngineBackend } from '../../../shared/api.ts'
import { serializeError } from '../../../shared/errors.ts'
import { resolveEngine } from '../scoring.ts'
import type { ScoreStore } from '../../store/index.ts'
import { cacheBytes } from './cache.ts'
import { collapsedKernelsDescription } from '../../core/backends/wasm/heap.ts'
import { diagnoseBackends } from '../../gpu/diagnose.ts'

/** What app:info reports about besides the store. */
export interface AppInfoContext {
  store: ScoreStore
  version: string
  workers: number
  dataDir: string
  /** Whether this process has GPU workers (jobs:start-gpu). */
  gpuWorkers: boolean
}

/** Collects the facts; the TensorFlow.js probe runs once per process (loadTfjs memoises it). */
export async function appInfo(context: AppInfoContext): Promise<AppInfo> {
  const full = await probeFullEngine()
  const engineBackends: EngineBackend[] = [{ engine: 'collapsed', backend: 'ts', reason: collapsedKernelsDescription() }, full]
  return {
    version: context.version,
    engines: ['collapsed', 'full'],
    backend: full.backend,
    backendReason: full.reason,
    engineBackends,
    workers: context.workers,
    dbPath: context.store.path,
    dataDir: context.dataDir,
    cacheBytes: await cacheBytes(context.store.path),
    backends: await diagnoseBackends(),
    gpuWorkers: context.gpuWorkers,
  }
}

async function probeFullEngine(): Promise<EngineBackend> {
  try {
    const { engine, reason } = await resolveEngine('full', 'auto')
    return { engine: 'full', backend: engine.backend, reason }
  } catch (error) {
    return { engine: 'full', backend: 'none', reason: serializeError(error).message }
  }
}
