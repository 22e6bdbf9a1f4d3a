import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dispatch } from '../../../src/main/api-handlers.ts'
import { selectArchs } from '../../../src/main/cli/arch-selection.ts'
import { computeEpsilonStats } from '../../../src/main/core/stats/index.ts'
import { createApiServices, topKOverlap, type ApiServices } from '../../../src/main/services/api/index.ts'
import { openStore, type ScoreStore } from '../../../src/main/store/index.ts'
import type { ApiResult, BenchmarkActionResponse, BenchmarkItemView, BenchmarkProgressEvent, CacheClearResponse, CompareResponse, StartScoreResponse, SweepSummaryView } from '../../../src/shared/api.ts'
import { startServer, type TestServer } from '../../benchmarks/download/server.ts'
import { suiteZeroItem, suiteZeroJson, writeCatalogueFile } from '../../e2e/fixture-benchmark.ts'
import { SMALL_CONFIG, tempDir } from './helpers.ts'

function valueOf<T>(result: ApiResult<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
  return result.value as T
}

/** Resolves with the first benchmark event satisfying `until`. */
function nextEvent(services: ApiServices, until: (event: BenchmarkProgressEvent) => boolean, timeoutMs = 20_000): Promise<BenchmarkProgressEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching benchmark event')), timeoutMs)
    const off = services.benchmarkProgress.subscribe((event) => {
      if (!until(event)) return
      clearTimeout(timer)
      off()
      resolve(event)
    })
  })
}

const ID = 'zc-nasbench201'
const SAMPLE = { kind: 'sample', limit: 6, seed: 3 } as const
const { weights: _weights, ...SWEEP_CONFIG } = SMALL_CONFIG

describe('the benchmarks, compare, sweeps and cache channels over real files and a local HTTP server', () => {
  let cleanup: () => void
  let dir: string
  let store: ScoreStore
  let services: ApiServices
  let files: TestServer
  let fixture: Buffer
  const call = (channel: string, request?: unknown) => dispatch(services.handlers, channel, request)

  beforeAll(async () => {
    const temp = tempDir('epsinas-bench-api-')
    cleanup = temp.cleanup
    dir = temp.dir
    files = await startServer()
    fixture = suiteZeroJson(await selectArchs('nb201', SAMPLE), 400)
    files.route('/zc.json', { body: fixture, etag: '"v1"' })
    const cataloguePath = writeCatalogueFile(dir, [suiteZeroItem(fixture, files.url('/zc.json'))])
    store = openStore(join(dir, 'scores.db'))
    services = createApiServices({ store, version: '1', workers: 2, dataDir: join(dir, 'data'), cataloguePath, progressIntervalMs: 0, downloadRetry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } })
  })
  afterAll(async () => {
    await services.dispose()
    store.close()
    await files.close()
    cleanup()
  })

  describe('benchmarks', () => {
    test('benchmarks:list should give the catalogue with size, licence and status', async () => {
      const [item] = valueOf<BenchmarkItemView[]>(await call('benchmarks:list'))
      expect(item).toMatchObject({ id: ID, state: 'missing', sizeBytes: fixture.length, sizeExact: true, convertible: true, task: null })
      expect(item.licence.name).toBe('Apache-2.0')
    })

    test('compare:get should say what is missing before anything is installed', async () => {
      const result = valueOf<CompareResponse>(await call('compare:get', SMALL_CONFIG))
      expect(result.accuracySource).toBeNull()
      expect(result.stats).toEqual([])
      expect(result.missing.join(' | ')).toMatch(/start a run.*install NAS-Bench-201 accuracies/)
    })

    test('compare:get should name the space whose accuracies are missing, and say when a space has none to install', async () => {
      const sizeSpace = valueOf<CompareResponse>(await call('compare:get', { ...SMALL_CONFIG, space: 'natssss', weights: [1e-5, 1] }))
      expect(sizeSpace.missing).toContain('install NATS-Bench size accuracies (Benchmarks page) to compare against accuracy on cifar10')
      // Parameter counts need nothing installed: they are counted from the networks.
      expect(sizeSpace.missing.join(' | ')).not.toMatch(/parameter count/)
      const text = valueOf<CompareResponse>(await call('compare:get', { ...SMALL_CONFIG, space: 'nbnlp', dataset: 'ptb' }))
      expect(text.missing.join(' | ')).not.toMatch(/NAS-Bench-201/)
    })

    test('a download cancelled mid-way should stop as partial and resume with a Range request to installed', async () => {
      // Past the downloader's first look at the bytes (it checks for an HTML page before writing).
      const half = Math.floor(fixture.length / 2)
      files.route('/zc.json', { body: fixture, etag: '"v1"', script: [{ kind: 'pause', after: half }] })
      const moving = nextEvent(services, (e) => e.state === 'running' && e.task.bytesDone > 0)
      const started = valueOf<BenchmarkItemView>(await call('benchmarks:download', { id: ID }))
      expect(started.state).toBe('downloading')
      expect((await moving).task.bytesDone).toBe(half)
      const busy = await call('benchmarks:remove', { id: ID })
      expect(busy.ok || busy.error.code).toBe('BUSY')
      const cancelled = nextEvent(services, (e) => e.state !== 'running')
      const stopped = valueOf<BenchmarkItemView>(await call('benchmarks:cancel', { id: ID }))
      expect((await cancelled).state).toBe('cancelled')
      expect(stopped).toMatchObject({ state: 'partial', bytesPresent: half, task: null })

      const done = nextEvent(services, (e) => e.state !== 'running')
      valueOf(await call('benchmarks:download', { id: ID }))
      expect((await done).state).toBe('done')
      expect(files.requests.at(-1)?.range).toBe(`bytes=${half}-`)
      const [item] = valueOf<BenchmarkItemView[]>(await call('benchmarks:list'))
      expect(item.state).toBe('needs-conversion')
    })

    test('benchmarks:convert should import the file in the background; compare:get then has accuracies and proxies', async () => {
      const done = nextEvent(services, (e) => e.state !== 'running')
      valueOf(await call('benchmarks:convert', { id: ID }))
      const event = await done
      expect(event.state).toBe('done')
      expect(event.message).toMatch(/suite-zero:nb201/)

      const { jobId } = valueOf<StartScoreResponse>(await call('jobs:start-score', { ...SMALL_CONFIG, archs: SAMPLE }))
      await services.jobs.idle()
      expect(store.jobs.get(jobId)?.state).toBe('done')
      const result = valueOf<CompareResponse>(await call('compare:get', SMALL_CONFIG))
      expect(result.points).toHaveLength(6)
      expect(result.points.every((p) => p.accuracy !== null)).toBe(true)
      expect(result.accuracySource).toMatch(/Suite-Zero cifar10 val_accuracy/)
      expect(result.proxies.map((p) => p.name)).toEqual(['jacov', 'synflow'])
      expect(result.stats.map((s) => s.proxy)).toEqual(['epsilon', 'jacov', 'synflow'])
      const accuracies = result.points.map((p) => p.accuracy)
      expect(result.stats[0]).toMatchObject(computeEpsilonStats(result.points.map((p) => p.epsilon), accuracies))
      expect(result.stats[2]).toMatchObject(computeEpsilonStats(result.proxies[1].scores, accuracies))
      expect(result.missing).toEqual([])
      expect(result.paramsSource).toBe('counted from each network (6)')
    })

    test('benchmarks:verify should re-check the file and report a corrupted one as failed', async () => {
      const ok = valueOf<BenchmarkActionResponse>(await call('benchmarks:verify', { id: ID }))
      expect(ok.message).toMatch(/every file verified/)
      const path = join(dir, 'data', 'benchmarks', ID, 'zc_nasbench201.json')
      const bytes = readFileSync(path)
      bytes[bytes.length - 3] ^= 1
      writeFileSync(path, bytes)
      const bad = valueOf<BenchmarkActionResponse>(await call('benchmarks:verify', { id: ID }))
      expect(bad.item.state).toBe('corrupt')
      expect(bad.details[0]).toMatch(/^FAILED zc_nasbench201.json/)
    })

    test('benchmarks:import should install a local file only after verifying it', async () => {
      const wrong = join(dir, 'wrong.json')
      writeFileSync(wrong, '{"cifar10": {}}')
      const refused = await call('benchmarks:import', { id: ID, path: wrong })
      expect(refused.ok || refused.error.code).toBe('BAD_FILE')
      const good = join(dir, 'zc_nasbench201.json')
      writeFileSync(good, fixture)
      const imported = valueOf<BenchmarkActionResponse>(await call('benchmarks:import', { id: ID, path: good }))
      expect(imported.item.state === 'needs-conversion' || imported.item.state === 'ready').toBe(true)
      expect(imported.details[0]).toMatch(/^imported zc_nasbench201.json/)
    })

    test('benchmarks:remove should delete the item folder', async () => {
      const removed = valueOf<BenchmarkActionResponse>(await call('benchmarks:remove', { id: ID }))
      expect(removed.item.state).toBe('missing')
      expect(existsSync(join(dir, 'data', 'benchmarks', ID))).toBe(false)
    })

    test('bad requests are refused with every issue, unknown items by name', async () => {
      const bad = await call('benchmarks:import', { id: '../etc', path: 'relative/file', extra: 1 })
      expect(bad.ok).toBe(false)
      const message = bad.ok ? '' : bad.error.message
      expect(message).toMatch(/id must be a non-empty string/)
      expect(message).toMatch(/path must be an absolute path/)
      expect(message).toMatch(/extra is not a known field/)
      const unknown = await call('benchmarks:download', { id: 'no-such-item' })
      expect(unknown.ok || unknown.error.message).toMatch(/no catalogue item 'no-such-item'/)
    })
  })

  describe('sweeps', () => {
    test('sweeps:start should queue a sweep over every exponent pair; sweeps:list gives its per-pair results', async () => {
      const started = valueOf<StartScoreResponse>(await call('sweeps:start', { ...SWEEP_CONFIG, exponents: [-2, 0, 1], archs: SAMPLE }))
      expect(started.total).toBe(3 * 6)
      await services.jobs.idle()
      const [sweep] = valueOf<SweepSummaryView[]>(await call('sweeps:list'))
      expect(sweep.job.id).toBe(started.jobId)
      expect(sweep.exponents).toEqual([-2, 0, 1])
      expect(sweep.results.map((r) => r.exponents)).toEqual([[-2, 0], [-2, 1], [0, 1]])
      expect(sweep.hasAccuracies).toBe(false)
    })

    test('sweeps:start with accuracies should use the installed ones and store the statistics per pair', async () => {
      const started = valueOf<StartScoreResponse>(await call('sweeps:start', { ...SWEEP_CONFIG, exponents: [-1, 0], archs: SAMPLE, withAccuracies: true }))
      await services.jobs.idle()
      const sweep = valueOf<SweepSummaryView[]>(await call('sweeps:list')).find((s) => s.job.id === started.jobId)
      expect(sweep?.hasAccuracies).toBe(true)
      expect(sweep?.results[0].stats).toHaveProperty('spearman')
    })

    test('sweeps:start with accuracies should say how to install them when there are none', async () => {
      const refused = await call('sweeps:start', { ...SWEEP_CONFIG, dataset: 'cifar100', exponents: [-1, 0], archs: SAMPLE, withAccuracies: true })
      expect(refused.ok || refused.error.message).toMatch(/install NAS-Bench-201 accuracies for cifar100 first/)
    })
  })

  describe('cache:clear', () => {
    test('should empty the score cache and the finished jobs, keeping nothing that points at them', async () => {
      expect(store.countScores()).toBeGreaterThan(0)
      const cleared = valueOf<CacheClearResponse>(await call('cache:clear'))
      expect(cleared.scores).toBeGreaterThan(0)
      expect(cleared.jobs).toBe(3)
      expect(store.countScores()).toBe(0)
      expect(store.jobs.list()).toEqual([])
      expect(store.integrityCheck()).toBe('ok')
    })

    test('should refuse while a job can still run, changing nothing', async () => {
      const { jobId } = valueOf<StartScoreResponse>(await call('jobs:start-score', { ...SMALL_CONFIG, archs: { kind: 'sample', limit: 40, seed: 9 } }))
      valueOf(await call('jobs:pause', { id: jobId }))
      const refused = await call('cache:clear')
      expect(refused.ok || refused.error.code).toBe('BUSY')
      expect(store.jobs.get(jobId)?.state).toBe('paused')
      valueOf(await call('jobs:cancel', { id: jobId }))
    })
  })
})

describe('topKOverlap', () => {
  test('should count the k best by score that are among the k best by accuracy, skipping missing values', () => {
    expect(topKOverlap([1, 2, 3, 4], [10, 20, 30, 40], 2)).toBe(2)
    expect(topKOverlap([4, 3, 2, 1], [10, 20, 30, 40], 2)).toBe(0)
    expect(topKOverlap([null, 2, 3, 4], [10, 20, null, 40], 2)).toBe(2)
  })
  test('should be null when fewer than k architectures have both values', () => {
    expect(topKOverlap([1, null], [1, 2], 2)).toBeNull()
  })
})
