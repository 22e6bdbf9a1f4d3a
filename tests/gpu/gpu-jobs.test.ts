/**
 * jobs:start-gpu through the real API services, the job store and the progress hub, on a GPU pool
 * whose worker is the real worker code (serve.ts, evaluate.ts) on tfjs-wasm in this process, fed
 * through a real MessageChannel: the desktop app's windows and the e2e test's Chromium page differ
 * only in transport and backend. The scores are stored under the backend the worker reports, with
 * exactly the key the CPU paths use: scorePairs and runProxies then find them all cached.
 */
import { MessageChannel } from 'node:worker_threads'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { dispatch } from '../../src/main/api-handlers.ts'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import type { GpuWorkerMessage, GpuWorkerRequest, PortLike } from '../../src/main/gpu/protocol.ts'
import { serveGpuJobs } from '../../src/main/gpu/serve.ts'
import { gpuWorkerClient, type GpuWorkerPool } from '../../src/main/gpu/worker-client.ts'
import { loadProxyRuntime } from '../../src/main/proxies/runtime.ts'
import { createApiServices, type ApiServices } from '../../src/main/services/api/index.ts'
import { runProxies } from '../../src/main/services/proxies.ts'
import { scorePairs } from '../../src/main/services/scoring.ts'
import { openStore, type ScoreStore } from '../../src/main/store/index.ts'
import type { ProgressEvent, StartGpuScoreRequest } from '../../src/shared/api.ts'
import { tempDir } from '../services/api/helpers.ts'

// Batch 4: at batch 2 min-max normalisation leaves 0 and 1 only and every epsilon is 0.
const CONFIG = { space: 'nb201', dataset: 'ImageNet16-120', input: 'normal', inputSeed: 0, batchSize: 4 } as const
const WEIGHTS = [1e-5, 1e-1] as const

/** A one-worker pool serving jobs on tfjs-wasm in this process. */
function wasmPool(): GpuWorkerPool {
  const { port1, port2 } = new MessageChannel()
  serveGpuJobs(port2 as unknown as PortLike<GpuWorkerRequest, GpuWorkerMessage>, () => loadProxyRuntime('tfjs-wasm'))
  const client = gpuWorkerClient((request) => port1.postMessage(request))
  port1.on('message', (message: GpuWorkerMessage) => client.receive(message))
  return {
    async acquire() {
      await client.worker.ready
      return client.worker
    },
    async close() {
      port1.close()
    },
  }
}

/** Resolves with the job's events once one says it stopped (done, cancelled, paused, failed). */
function eventsUntilStopped(services: ApiServices, jobId: () => string | null, onEvent: (event: ProgressEvent) => void = () => {}): Promise<ProgressEvent[]> {
  const events: ProgressEvent[] = []
  return new Promise((resolve) => {
    const stop = services.progress.subscribe((event) => {
      if (event.jobId !== jobId()) return
      events.push(event)
      onEvent(event)
      if (event.state !== 'running' && event.state !== 'queued') {
        stop()
        resolve(events)
      }
    })
  })
}

describe('jobs:start-gpu', () => {
  let cleanup: () => void
  let dir: string
  let store: ScoreStore
  let services: ApiServices

  beforeEach(() => {
    ;({ dir, cleanup } = tempDir('epsinas-gpu-jobs-'))
    store = openStore(`${dir}/epsinas.db`)
  })
  afterEach(async () => {
    await services.dispose()
    store.close()
    cleanup()
  })

  test('without GPU workers it is refused in one line, and app:info says there are none', async () => {
    services = createApiServices({ store, version: '0', workers: 1, dataDir: `${dir}/data` })
    const request: StartGpuScoreRequest = { ...CONFIG, weights: WEIGHTS, archs: { kind: 'list', archs: [nb201ArchAt(0)] } }
    const result = await dispatch(services.handlers, 'jobs:start-gpu', request)
    expect(result).toEqual({ ok: false, error: { code: 'BACKEND_UNAVAILABLE', message: 'no GPU workers in this process: GPU jobs run in the desktop app (docs/gpu.md)' } })
    expect(store.jobs.list()).toEqual([])
    expect((await services.handlers['app:info']()).gpuWorkers).toBe(false)
  })

  test('a malformed request is refused before anything starts', async () => {
    services = createApiServices({ store, version: '0', workers: 1, dataDir: `${dir}/data`, gpuPool: wasmPool() })
    const result = await dispatch(services.handlers, 'jobs:start-gpu', { ...CONFIG, weights: WEIGHTS, archs: { kind: 'list', archs: [nb201ArchAt(0)] }, engine: 'full' })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringContaining('engine') })
    const proxy = await dispatch(services.handlers, 'jobs:start-gpu', { ...CONFIG, weights: WEIGHTS, archs: { kind: 'list', archs: [nb201ArchAt(0)] }, proxies: ['no-such-proxy'] })
    expect(proxy.ok).toBe(false)
    expect(store.jobs.list()).toEqual([])
  })

  test('runs as a job with progress and stores epsilon and the proxies under the CPU paths\' keys', { timeout: 60_000 }, async () => {
    services = createApiServices({ store, version: '0', workers: 1, dataDir: `${dir}/data`, gpuPool: wasmPool() })
    const archs = [nb201ArchAt(15_624), nb201ArchAt(1_596)]
    let jobId: string | null = null
    const stopped = eventsUntilStopped(services, () => jobId)
    const started = await services.handlers['jobs:start-gpu']({ ...CONFIG, weights: WEIGHTS, archs: { kind: 'list', archs }, proxies: ['nwot'] })
    jobId = started.jobId
    expect(started.total).toBe(2)
    expect((await services.handlers['app:info']()).gpuWorkers).toBe(true)
    const events = await stopped
    expect(events.map((e) => [e.done, e.state])).toEqual([
      [1, 'running'],
      [2, 'running'],
      [2, 'done'],
    ])
    const details = await services.handlers['jobs:get']({ id: started.jobId })
    expect(details.job).toMatchObject({ kind: 'score', state: 'done', done: 2, total: 2, failed: 0, config: { engine: 'full', backend: 'tfjs-wasm', pairs: [WEIGHTS] } })

    // The CPU paths on the same cache compute nothing: every value is already there under their key.
    const cpu = await scorePairs({ ...CONFIG, archs, pairs: [WEIGHTS], engine: 'full', backend: 'tfjs-wasm', workers: 1 }, { store })
    expect(cpu.pairs[0].rows.map((row) => row.source)).toEqual(['cached', 'cached'])
    const listed = await services.handlers['scores:list']({ ...CONFIG, weights: WEIGHTS, engine: 'full', backend: 'tfjs-wasm' })
    expect(listed.map((s) => s.arch).sort()).toEqual([...archs].sort())
    // Not only NaNs (stored as null with their reason): at least one value is compared.
    expect(listed.some((s) => s.epsilon !== null && s.epsilon > 0)).toBe(true)
    const proxies = await runProxies({ ...CONFIG, initSeed: 0, proxies: ['nwot'], backend: 'tfjs-wasm' }, archs, store.path)
    expect(proxies.computed).toBe(0)
  })

  test('jobs:cancel stops it before its next arch; a second GPU job meanwhile is refused', { timeout: 60_000 }, async () => {
    services = createApiServices({ store, version: '0', workers: 1, dataDir: `${dir}/data`, gpuPool: wasmPool() })
    const archs = Array.from({ length: 6 }, (_, i) => nb201ArchAt(i * 2_000 + 11))
    let jobId: string | null = null
    let second: Promise<unknown> | null = null
    const stopped = eventsUntilStopped(services, () => jobId, (event) => {
      if (event.done === 1 && event.state === 'running' && !second) {
        second = dispatch(services.handlers, 'jobs:start-gpu', { ...CONFIG, weights: WEIGHTS, archs: { kind: 'list', archs: [nb201ArchAt(1)] } })
        void services.handlers['jobs:cancel']({ id: event.jobId })
      }
    })
    jobId = (await services.handlers['jobs:start-gpu']({ ...CONFIG, weights: WEIGHTS, archs: { kind: 'list', archs } })).jobId
    const events = await stopped
    expect(events.at(-1)?.state).toBe('cancelled')
    expect(await second).toEqual({ ok: false, error: { code: 'BUSY', message: 'a GPU job is already running; wait for it or cancel it' } })
    const job = (await services.handlers['jobs:get']({ id: jobId })).job
    expect(job.state).toBe('cancelled')
    expect(job.done).toBeGreaterThanOrEqual(1)
    expect(job.done).toBeLessThan(archs.length)
    expect(store.jobs.list()).toHaveLength(1)
  })
})
