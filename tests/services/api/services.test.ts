import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dispatch } from '../../../src/main/api-handlers.ts'
import { createApiServices, type ApiServices } from '../../../src/main/services/api/index.ts'
import { createJob, runJob } from '../../../src/main/jobs/job-runner.ts'
import { sweepSpec, sweepTable } from '../../../src/main/services/sweeps.ts'
import { selectGrid } from '../../../src/main/core/weights/index.ts'
import { openStore, type ScoreStore } from '../../../src/main/store/index.ts'
import type { ApiResult, JobDetails, JobView, ProgressEvent, ScoreListItem, StartScoreResponse, WeightsSelectResponse } from '../../../src/shared/api.ts'
import { SMALL_CONFIG, tempDir, waitForEvent } from './helpers.ts'

/** The value of a successful result; fails the test with the error otherwise. */
function valueOf<T>(result: ApiResult<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
  return result.value as T
}

describe('the API services over a real score store', () => {
  let cleanup: () => void
  let store: ScoreStore
  let services: ApiServices
  const call = (channel: string, request?: unknown) => dispatch(services.handlers, channel, request)

  beforeAll(() => {
    const temp = tempDir('epsinas-api-')
    cleanup = temp.cleanup
    store = openStore(join(temp.dir, 'scores.db'))
    services = createApiServices({ store, version: '9.9.9', workers: 2, dataDir: temp.dir, progressIntervalMs: 0 })
  })
  afterAll(async () => {
    await services.dispose()
    store.close()
    cleanup()
  })

  test('app:info should report the store, the data folder, workers and the backend with its reason', async () => {
    const info = valueOf<Record<string, unknown>>(await call('app:info'))
    expect(info).toMatchObject({ version: '9.9.9', engines: ['collapsed', 'full'], workers: 2, dbPath: store.path })
    expect(info.cacheBytes).toBeGreaterThan(0)
    expect(info.backendReason).toMatch(/\S/)
    expect(info.engineBackends).toContainEqual({ engine: 'collapsed', backend: 'ts', reason: 'the collapsed engine runs on WebAssembly SIMD kernels, bit-identical to the TypeScript ones, which EPSINAS_KERNELS=ts runs' })
  })

  test('jobs:start-score should run a sample in the background to done, and scores:list should return the stored scores', async () => {
    const events: ProgressEvent[] = []
    const unsubscribe = services.progress.subscribe((event) => events.push(event))
    const { jobId, total } = valueOf<StartScoreResponse>(await call('jobs:start-score', { ...SMALL_CONFIG, archs: { kind: 'sample', limit: 6, seed: 3 } }))
    expect(total).toBe(6)
    await services.jobs.idle()
    unsubscribe()
    const mine = events.filter((e) => e.jobId === jobId)
    expect(mine[0].state).toBe('queued')
    expect(mine.some((e) => e.state === 'running')).toBe(true)
    expect(mine.at(-1)).toMatchObject({ state: 'done', done: 6, total: 6, failed: 0 })

    const rows = valueOf<ScoreListItem[]>(await call('scores:list', SMALL_CONFIG))
    const [config] = store.listConfigs()
    expect(rows).toEqual(store.scoresFor(config.id).map(({ arch, epsilon, nanReason }) => ({ arch, epsilon, nanReason })))
    expect(rows).toHaveLength(6)
    expect(valueOf<ScoreListItem[]>(await call('scores:list', { ...SMALL_CONFIG, limit: 2 }))).toEqual(rows.slice(0, 2))
    expect(valueOf<ScoreListItem[]>(await call('scores:list', { ...SMALL_CONFIG, inputSeed: 5 }))).toEqual([])

    const details = valueOf<JobDetails>(await call('jobs:get', { id: jobId }))
    expect(details).toMatchObject({ archCount: 6, failures: [], sweep: [], job: { id: jobId, kind: 'score', state: 'done', config: { batchSize: 4, workers: 2, pairs: [[1e-7, 1]] } } })
    expect(valueOf<JobView[]>(await call('jobs:list')).map((job) => job.id)).toContain(jobId)
  })

  test('should refuse to resume or pause a finished job, and name a missing one', async () => {
    const [job] = valueOf<JobView[]>(await call('jobs:list'))
    expect(await call('jobs:resume', { id: job.id })).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT', message: expect.stringContaining('is done; start a new job') } })
    expect(await call('jobs:pause', { id: job.id })).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT', message: `Job ${job.id} is already done.` } })
    expect(await call('jobs:get', { id: 'jnope' })).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT', message: expect.stringContaining("There is no job 'jnope'") } })
  })

  test('a malformed request should come back as BAD_ARGUMENT and create nothing', async () => {
    const before = store.jobs.list().length
    const result = await call('jobs:start-score', { ...SMALL_CONFIG, batchSize: 'four', archs: { kind: 'sample', limit: 6 } })
    expect(result).toEqual({
      ok: false,
      error: { code: 'BAD_ARGUMENT', message: 'Invalid jobs:start-score request: batchSize must be a whole number from 2 to 4096 (got "four"); archs.seed must be a whole number from 0 to 9007199254740991 (got nothing).' },
    })
    // The schema applies the weight grammar (score-parameters weightPairProblem), listing it with the other issues.
    expect(await call('jobs:start-score', { ...SMALL_CONFIG, weights: [1, 1], archs: { kind: 'all' } })).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT', message: expect.stringContaining('weights must differ in float32') } })
    expect(await call('jobs:start-score', { ...SMALL_CONFIG, archs: { kind: 'list', archs: ['not an arch'] } })).toMatchObject({ ok: false, error: { code: 'BAD_ARCH' } })
    expect(await call('nope:nothing')).toEqual({ ok: false, error: { code: 'BAD_ARGUMENT', message: 'Unknown API channel "nope:nothing".' } })
    expect(store.jobs.list()).toHaveLength(before)
  })

  test('jobs run one at a time: a queued job can be paused before it starts and resumed after the first is cancelled', async () => {
    const long = valueOf<StartScoreResponse>(await call('jobs:start-score', { ...SMALL_CONFIG, inputSeed: 1, input: 'normal', workers: 1, archs: { kind: 'sample', limit: 3000, seed: 1 } }))
    const short = valueOf<StartScoreResponse>(await call('jobs:start-score', { ...SMALL_CONFIG, inputSeed: 1, input: 'normal', archs: { kind: 'sample', limit: 6, seed: 9 } }))
    await waitForEvent(services.progress, long.jobId, (e) => e.state === 'running' && e.done > 0)
    expect(store.jobs.get(short.jobId)?.state).toBe('queued')
    expect(valueOf<JobView>(await call('jobs:pause', { id: short.jobId })).state).toBe('paused')

    const cancelled = valueOf<JobView>(await call('jobs:cancel', { id: long.jobId }))
    expect(cancelled.state).toBe('cancelled')
    expect(cancelled.done).toBeLessThan(cancelled.total)
    await services.jobs.idle()
    expect(store.jobs.get(short.jobId)?.state).toBe('paused')

    // Nothing else runs, so the resumed job starts at once.
    expect(valueOf<JobView>(await call('jobs:resume', { id: short.jobId })).state).toMatch(/^(queued|running)$/)
    await services.jobs.idle()
    expect(store.jobs.get(short.jobId)).toMatchObject({ state: 'done', done: 6 })
    expect(store.integrityCheck()).toBe('ok')
  })

  test('weights:select should give the grid choice of a finished sweep with its explanation', async () => {
    const archs = store.jobs.archs(store.jobs.list().at(-1)?.id ?? '')
    const spec = sweepSpec({ space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 4, engine: 'collapsed', backend: 'auto', workers: 2 }, [-3, -2, -1, 0])
    const sweepId = createJob(store, spec, archs)
    await runJob(store, sweepId)
    const answer = valueOf<WeightsSelectResponse>(await call('weights:select', { jobId: sweepId, strategy: 'grid', bootstrap: 20 }))
    const expected = selectGrid(await sweepTable(store, sweepId), { nanThreshold: 0.1 })
    expect(answer.chosen?.exponents).toEqual([expected.chosen?.pair.low, expected.chosen?.pair.high])
    expect(answer).toMatchObject({ strategy: 'grid', sampleSize: 6, nanThreshold: 0.1, metric: null, stability: { resamples: 20 } })
    expect(answer.considered).toHaveLength(6)
    expect(answer.explanation).toMatch(/\S/)
    const reference = valueOf<WeightsSelectResponse>(await call('weights:select', { jobId: sweepId, strategy: 'reference', bootstrap: 0 }))
    expect(reference).toMatchObject({ strategy: 'reference', stability: null })
    const scoreJob = store.jobs.list().find((job) => job.kind === 'score')?.id
    expect(await call('weights:select', { jobId: scoreJob, strategy: 'grid' })).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT', message: expect.stringContaining('is a score job') } })
  })
})
