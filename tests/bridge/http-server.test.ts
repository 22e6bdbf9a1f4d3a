import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RENDERER_CSP, startHttpBridge, type HttpBridge } from '../../src/main/bridge/index.ts'
import { createApiServices, type ApiServices } from '../../src/main/services/api/index.ts'
import { openStore, type ScoreStore } from '../../src/main/store/index.ts'
import type { JobView, ScoreListItem, StartScoreResponse } from '../../src/shared/api.ts'
import { SMALL_CONFIG, tempDir } from '../services/api/helpers.ts'
import { EventStream, callApi, send } from './helpers.ts'

/** Everything a request could change in the cache. */
function snapshot(store: ScoreStore) {
  return { jobs: store.jobs.list(), scores: store.countScores(), configs: store.listConfigs() }
}

describe('the HTTP bridge', () => {
  let cleanup: () => void
  let store: ScoreStore
  let services: ApiServices
  let bridge: HttpBridge
  let rendererDir: string

  beforeAll(async () => {
    const temp = tempDir('epsinas-bridge-')
    cleanup = temp.cleanup
    rendererDir = join(temp.dir, 'renderer')
    mkdirSync(join(rendererDir, 'assets'), { recursive: true })
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>epsinas</title>')
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
    writeFileSync(join(rendererDir, 'assets', 'app.css'), 'body{}')
    writeFileSync(join(temp.dir, 'secret.txt'), 'outside the renderer')
    symlinkSync(join(temp.dir, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'))
    store = openStore(join(temp.dir, 'scores.db'))
    services = createApiServices({ store, version: '1.2.3', workers: 2, dataDir: temp.dir, progressIntervalMs: 50 })
    bridge = await startHttpBridge({ handlers: services.handlers, progress: services.progress, port: 0, rendererDir, maxBodyBytes: 64 * 1024 })
  })
  afterAll(async () => {
    await bridge.close()
    await services.dispose()
    store.close()
    cleanup()
  })

  describe('should bind and print', () => {
    test('127.0.0.1 by default, with a fresh 24-byte token in the URL', async () => {
      expect(bridge.host).toBe('127.0.0.1')
      expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/)
      expect(bridge.url).toContain(`:${bridge.port}/?token=${bridge.token}`)
      const other = await startHttpBridge({ handlers: services.handlers, progress: services.progress })
      expect(other.host).toBe('127.0.0.1')
      expect(other.token).not.toBe(bridge.token)
      await other.close()
    })
  })

  describe('should refuse with 401 and change nothing', () => {
    test('a request with a wrong or missing token', async () => {
      const before = snapshot(store)
      const start = { ...SMALL_CONFIG, archs: { kind: 'sample', limit: 6, seed: 1 } }
      for (const token of [null, 'wrong', `${bridge.token}x`]) {
        const reply = await callApi(bridge.origin, token, 'jobs:start-score', start)
        expect(reply.status).toBe(401)
        expect(reply.headers['www-authenticate']).toBe('Bearer')
        expect(reply.json()).toEqual({ ok: false, error: { code: 'UNAUTHORIZED', message: expect.stringContaining('Missing or wrong token') } })
      }
      // The token in the query is for EventSource only; unknown channels do not leak past the check either.
      expect((await send(bridge.origin, `/api/jobs:start-score?token=${bridge.token}`, { method: 'POST', body: JSON.stringify(start) })).status).toBe(401)
      expect((await callApi(bridge.origin, 'wrong', 'no:such-channel')).status).toBe(401)
      expect((await send(bridge.origin, '/api/events?token=wrong')).status).toBe(401)
      expect(snapshot(store)).toEqual(before)
    })
  })

  describe('should answer malformed requests with 4xx, a clear message, and change nothing', () => {
    test('invalid JSON, a failed schema, an unknown channel, a wrong method, a body too large, a foreign Host', async () => {
      const before = snapshot(store)
      const auth = { Authorization: `Bearer ${bridge.token}` }
      const badJson = await send(bridge.origin, '/api/jobs:start-score', { method: 'POST', headers: auth, body: '{"space": "nb201",' })
      expect(badJson.status).toBe(400)
      expect(badJson.json()).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT', message: expect.stringContaining('The request body is not valid JSON') } })

      const invalid = await callApi(bridge.origin, bridge.token, 'jobs:start-score', { ...SMALL_CONFIG, batchSize: 1, archs: { kind: 'sample', limit: 6, seed: 1 } })
      expect(invalid.status).toBe(400)
      expect(invalid.json()).toEqual({ ok: false, error: { code: 'BAD_ARGUMENT', message: 'Invalid jobs:start-score request: batchSize must be a whole number from 2 to 4096 (got 1).' } })
      const badWeights = await callApi(bridge.origin, bridge.token, 'scores:list', { ...SMALL_CONFIG, weights: [1, 1] })
      expect(badWeights.status).toBe(400)
      // The request schema applies the --weights grammar itself, so a bad pair is a bad request.
      expect(badWeights.json()).toMatchObject({ error: { code: 'BAD_ARGUMENT', message: expect.stringContaining('weights') } })

      const unknown = await callApi(bridge.origin, bridge.token, 'jobs:delete-all', {})
      expect(unknown.status).toBe(404)
      expect(unknown.json()).toEqual({ ok: false, error: { code: 'BAD_ARGUMENT', message: 'Unknown API channel "jobs:delete-all".' } })

      const get = await send(bridge.origin, '/api/jobs:list', { headers: auth })
      expect(get.status).toBe(405)
      expect(get.headers.allow).toBe('POST')

      const large = await send(bridge.origin, '/api/jobs:start-score', { method: 'POST', headers: auth, body: JSON.stringify({ padding: 'x'.repeat(100_000) }) })
      expect(large.status).toBe(413)

      const rebound = await send(bridge.origin, '/api/jobs:list', { method: 'POST', headers: { ...auth, Host: `evil.example:${bridge.port}` } })
      expect(rebound.status).toBe(403)
      expect(snapshot(store)).toEqual(before)
    })
  })

  describe('should serve only requests addressed to its own loopback name and port (DNS rebinding)', () => {
    test('127.0.0.1, localhost and [::1] with the port are served', async () => {
      for (const host of [`127.0.0.1:${bridge.port}`, `localhost:${bridge.port}`, `LocalHost:${bridge.port}`, `[::1]:${bridge.port}`]) {
        const reply = await send(bridge.origin, '/api/app:info', { method: 'POST', headers: { Authorization: `Bearer ${bridge.token}`, Host: host } })
        expect({ host, status: reply.status }).toEqual({ host, status: 200 })
      }
    })

    test('names that only start like a loopback address, other loopback addresses, and other ports are refused', async () => {
      const before = snapshot(store)
      const hosts = [`127.0.0.1.evil.example:${bridge.port}`, `127.evil.example:${bridge.port}`, `127.0.0.2:${bridge.port}`, `localhost.evil.example:${bridge.port}`, `127.0.0.1:${bridge.port + 1}`, '127.0.0.1', 'localhost']
      for (const host of hosts) {
        for (const path of ['/api/app:info', '/']) {
          const reply = await send(bridge.origin, path, { method: path === '/' ? 'GET' : 'POST', headers: { Authorization: `Bearer ${bridge.token}`, Host: host } })
          expect({ host, path, status: reply.status }).toEqual({ host, path, status: 403 })
          expect(reply.json()).toEqual({ ok: false, error: { code: 'BAD_ARGUMENT', message: `Requests must be addressed to 127.0.0.1:${bridge.port}, localhost:${bridge.port} or [::1]:${bridge.port}.` } })
        }
      }
      expect(snapshot(store)).toEqual(before)
    })
  })

  describe('should run the API', () => {
    test('app:info with the real store path and cache size', async () => {
      const reply = await callApi(bridge.origin, bridge.token, 'app:info')
      expect(reply.status).toBe(200)
      expect(reply.json()).toMatchObject({ ok: true, value: { version: '1.2.3', dbPath: store.path, workers: 2 } })
    })

    test('a scoring job started over HTTP, followed over SSE to done; scores:list then equals the store', async () => {
      const events = await EventStream.open(bridge.origin, bridge.token)
      try {
        expect(events.status).toBe(200)
        expect(events.contentType).toBe('text/event-stream; charset=utf-8')
        const start = await callApi(bridge.origin, bridge.token, 'jobs:start-score', { ...SMALL_CONFIG, workers: 2, archs: { kind: 'sample', limit: 6, seed: 4 } })
        expect(start.status).toBe(200)
        const { value } = start.json() as { value: StartScoreResponse }
        expect(value.total).toBe(6)
        const done = await events.waitFor((e) => e.jobId === value.jobId && e.state === 'done')
        expect(done).toMatchObject({ done: 6, total: 6, failed: 0, etaSeconds: 0 })
        const mine = events.events.filter((e) => e.jobId === value.jobId)
        expect(mine[0].state).toBe('queued')
        expect(mine.map((e) => e.done)).toEqual([...mine.map((e) => e.done)].sort((a, b) => a - b))

        const list = await callApi(bridge.origin, bridge.token, 'scores:list', SMALL_CONFIG)
        const rows = (list.json() as { value: ScoreListItem[] }).value
        const [config] = store.listConfigs()
        expect(rows).toHaveLength(6)
        expect(rows).toEqual(store.scoresFor(config.id).map(({ arch, epsilon, nanReason }) => ({ arch, epsilon, nanReason })))
        expect(store.jobs.archs(value.jobId).sort()).toEqual(rows.map((row) => row.arch).sort())
      } finally {
        events.close()
      }
    })

    test('pause, resume and cancel of a running job over HTTP', async () => {
      const events = await EventStream.open(bridge.origin, bridge.token)
      try {
        const start = await callApi(bridge.origin, bridge.token, 'jobs:start-score', { ...SMALL_CONFIG, input: 'uniform', workers: 1, archs: { kind: 'sample', limit: 3000, seed: 2 } })
        const { jobId } = (start.json() as { value: StartScoreResponse }).value
        await events.waitFor((e) => e.jobId === jobId && e.state === 'running' && e.done > 0)

        const paused = await callApi(bridge.origin, bridge.token, 'jobs:pause', { id: jobId })
        expect(paused.status).toBe(200)
        const pausedJob = (paused.json() as { value: JobView }).value
        expect(pausedJob.state).toBe('paused')
        expect(pausedJob.done).toBeLessThan(pausedJob.total)
        await events.waitFor((e) => e.jobId === jobId && e.state === 'paused')
        // A paused job computes nothing more.
        const scoresWhenPaused = store.countScores()
        await new Promise((r) => setTimeout(r, 300))
        expect(store.countScores()).toBe(scoresWhenPaused)

        const seen = events.events.length
        const resumed = await callApi(bridge.origin, bridge.token, 'jobs:resume', { id: jobId })
        expect(resumed.status).toBe(200)
        // It continues from the last committed score.
        const running = await events.waitFor((e) => e.jobId === jobId && e.state === 'running', { from: seen })
        expect(running.done).toBeGreaterThanOrEqual(pausedJob.done)

        const cancelled = await callApi(bridge.origin, bridge.token, 'jobs:cancel', { id: jobId })
        expect((cancelled.json() as { value: JobView }).value.state).toBe('cancelled')
        await events.waitFor((e) => e.jobId === jobId && e.state === 'cancelled')
        const again = await callApi(bridge.origin, bridge.token, 'jobs:resume', { id: jobId })
        expect(again.status).toBe(400)
        expect(again.json()).toMatchObject({ error: { code: 'BAD_ARGUMENT', message: expect.stringContaining('is cancelled') } })
        expect(store.integrityCheck()).toBe('ok')
      } finally {
        events.close()
      }
    })
  })

  describe('should serve the built renderer', () => {
    test('with content types and the security headers, without a token', async () => {
      const index = await send(bridge.origin, '/')
      expect(index.status).toBe(200)
      expect(index.body).toContain('<title>epsinas</title>')
      expect(index.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(index.headers['x-content-type-options']).toBe('nosniff')
      expect(index.headers['referrer-policy']).toBe('no-referrer')
      expect(index.headers['content-security-policy']).toContain("frame-ancestors 'none'")
      expect((await send(bridge.origin, '/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8')
      expect((await send(bridge.origin, '/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8')
      const head = await send(bridge.origin, '/assets/app.js', { method: 'HEAD' })
      expect([head.status, head.body, head.headers['content-length']]).toEqual([200, '', '14'])
      expect((await send(bridge.origin, '/index.html', { method: 'DELETE' })).status).toBe(405)
    })

    test('with the CSP of src/renderer/index.html', () => {
      const html = readFileSync(join(import.meta.dirname, '../../src/renderer/index.html'), 'utf8')
      const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
      expect(meta).toBe(RENDERER_CSP)
    })

    test('and nothing outside it: traversal gets 400, missing files and symlinks out get 404', async () => {
      for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets%5c..%5c..%5csecret.txt', '/%00index.html', '/%E0%A4%A']) {
        const reply = await send(bridge.origin, path)
        expect(reply.status, path).toBe(400)
        expect(reply.body).not.toContain('outside the renderer')
      }
      for (const path of ['/secret.txt', '/assets/link.txt', '/assets/', '/nope.js']) {
        const reply = await send(bridge.origin, path)
        expect(reply.status, path).toBe(404)
        expect(reply.body).not.toContain('outside the renderer')
      }
    })
  })
})
