import { existsSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startHttpBridge, type HttpBridge } from '../../src/main/bridge/index.ts'
import { createApiServices, type ApiServices } from '../../src/main/services/api/index.ts'
import { openStore, type ScoreStore } from '../../src/main/store/index.ts'
import type { BenchmarkProgressEvent } from '../../src/shared/api.ts'
import { startServer, type TestServer } from '../benchmarks/download/server.ts'
import { suiteZeroItem, suiteZeroJson, writeCatalogueFile } from '../e2e/fixture-benchmark.ts'
import { tempDir } from '../services/api/helpers.ts'
import { callApi } from './helpers.ts'

/** Reads `benchmarks:progress` events from the bridge's event stream until `until` holds. */
function benchmarkEvents(origin: string, token: string, until: (event: BenchmarkProgressEvent) => boolean): { ready: Promise<void>; done: Promise<BenchmarkProgressEvent[]> } {
  let markReady = (): void => {}
  const ready = new Promise<void>((resolve) => (markReady = resolve))
  const done = new Promise<BenchmarkProgressEvent[]>((resolve, reject) => {
    const events: BenchmarkProgressEvent[] = []
    const req = httpRequest(`${origin}/api/events?token=${token}`, (res) => {
      markReady()
      let buffer = ''
      res.setEncoding('utf8')
      res.on('data', (text: string) => {
        buffer += text
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const lines = buffer.slice(0, end).split('\n')
          buffer = buffer.slice(end + 2)
          if (!lines.includes('event: benchmarks:progress')) continue
          const event = JSON.parse(lines.find((l) => l.startsWith('data: '))?.slice(6) ?? 'null') as BenchmarkProgressEvent
          events.push(event)
          if (until(event)) {
            req.destroy()
            resolve(events)
          }
        }
      })
    })
    req.on('error', (error) => (events.length > 0 ? undefined : reject(error)))
    req.end()
  })
  return { ready, done }
}

describe('the HTTP bridge with benchmark downloads', () => {
  let cleanup: () => void
  let dir: string
  let store: ScoreStore
  let services: ApiServices
  let bridge: HttpBridge
  let files: TestServer

  beforeAll(async () => {
    const temp = tempDir('epsinas-bridge-bench-')
    cleanup = temp.cleanup
    dir = temp.dir
    files = await startServer()
    const body = suiteZeroJson([], 300)
    files.route('/zc.json', { body })
    const cataloguePath = writeCatalogueFile(dir, [suiteZeroItem(body, files.url('/zc.json'))])
    store = openStore(join(dir, 'scores.db'))
    services = createApiServices({ store, version: '1', workers: 1, dataDir: join(dir, 'data'), cataloguePath, progressIntervalMs: 0 })
    bridge = await startHttpBridge({ handlers: services.handlers, progress: services.progress, benchmarkProgress: services.benchmarkProgress })
  })
  afterAll(async () => {
    await bridge.close()
    await services.dispose()
    store.close()
    await files.close()
    cleanup()
  })

  test('should refuse the new channels without the token (401) or with a malformed request (400), touching nothing', async () => {
    expect((await callApi(bridge.origin, 'wrong', 'benchmarks:download', { id: 'zc-nasbench201' })).status).toBe(401)
    expect((await callApi(bridge.origin, null, 'cache:clear')).status).toBe(401)
    const bad = await callApi(bridge.origin, bridge.token, 'benchmarks:download', { id: 'zc-nasbench201', mirror: -1 })
    expect(bad.status).toBe(400)
    expect(bad.json()).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } })
    expect((await callApi(bridge.origin, bridge.token, 'compare:get', { space: 'nb201' })).status).toBe(400)
    expect(existsSync(join(dir, 'data', 'benchmarks', 'zc-nasbench201'))).toBe(false)
  })

  test('should stream a download started over HTTP as benchmarks:progress events to its end', async () => {
    const stream = benchmarkEvents(bridge.origin, bridge.token, (e) => e.state !== 'running')
    await stream.ready
    const started = await callApi(bridge.origin, bridge.token, 'benchmarks:download', { id: 'zc-nasbench201' })
    expect(started.status).toBe(200)
    const events = await stream.done
    expect(events[0]).toMatchObject({ id: 'zc-nasbench201', state: 'running' })
    expect(events.at(-1)).toMatchObject({ id: 'zc-nasbench201', state: 'done' })
    const listed = (await callApi(bridge.origin, bridge.token, 'benchmarks:list')).json() as { ok: true; value: Array<{ state: string }> }
    expect(listed.value[0].state).toBe('needs-conversion')
  })
})
