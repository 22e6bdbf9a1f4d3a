import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { backoffDelay, downloadFile, MAX_REDIRECTS, RateMeter, redirectTarget, TransferError, type TransferProgress } from '../../../src/main/benchmarks/download/index.ts'
import { EpsinasError } from '../../../src/shared/errors.ts'
import { FAST_RETRY, gzipLike, tempDir } from './fixtures.ts'
import { startServer, type TestServer } from './server.ts'

const BODY = gzipLike(300_000)

describe('downloadFile', () => {
  let server: TestServer
  let dir: string
  let cleanup: () => void
  let part: string
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server.close())
  beforeEach(() => {
    ;({ dir, cleanup } = tempDir())
    part = join(dir, 'file.part')
    server.requests.length = 0
  })
  afterEach(() => cleanup())

  const base = () => ({ partPath: part, expectedSize: BODY.length, retry: FAST_RETRY })

  describe('should resume', () => {
    test('after the connection drops mid-body, with a Range request from the bytes on disk', async () => {
      server.route('/drop', { body: BODY, script: [{ kind: 'drop', after: 100_000 }] })
      const result = await downloadFile({ ...base(), urls: [server.url('/drop')] })
      expect(result.bytes).toBe(BODY.length)
      expect(readFileSync(part).equals(BODY)).toBe(true)
      const ranges = server.requests.filter((r) => r.path === '/drop').map((r) => r.range)
      expect(ranges[0]).toBeNull()
      expect(ranges).toHaveLength(2)
      // The drop happened somewhere after the first bytes: the second request asks for the rest.
      const resumedFrom = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? '')?.[1])
      expect(resumedFrom).toBeGreaterThan(0)
      expect(resumedFrom).toBeLessThanOrEqual(100_000)
    })

    test('from an existing .part file, sending If-Range with the remembered validator', async () => {
      server.route('/etag', { body: BODY, etag: '"v1"' })
      writeFileSync(part, BODY.subarray(0, 123_456))
      await downloadFile({ ...base(), urls: [server.url('/etag')], resume: { url: server.url('/etag'), validator: '"v1"' } })
      expect(readFileSync(part).equals(BODY)).toBe(true)
      expect(server.requests).toEqual([{ path: '/etag', range: 'bytes=123456-', ifRange: '"v1"' }])
    })

    test('by starting over when the server ignores Range (200 instead of 206)', async () => {
      server.route('/norange', { body: BODY, ignoreRange: true })
      writeFileSync(part, Buffer.alloc(50_000, 7))
      await downloadFile({ ...base(), urls: [server.url('/norange')] })
      expect(readFileSync(part).equals(BODY)).toBe(true)
      expect(server.requests[0].range).toBe('bytes=50000-')
    })

    test('by starting over when the file changed on the server (If-Range no longer matches)', async () => {
      server.route('/changed', { body: BODY, etag: '"v2"' })
      writeFileSync(part, Buffer.alloc(50_000, 7))
      await downloadFile({ ...base(), urls: [server.url('/changed')], resume: { url: server.url('/changed'), validator: '"v1"' } })
      expect(readFileSync(part).equals(BODY)).toBe(true)
    })

    test('by starting over when the .part is longer than the published size', async () => {
      server.route('/long', { body: BODY })
      writeFileSync(part, Buffer.alloc(BODY.length + 10, 7))
      await downloadFile({ ...base(), urls: [server.url('/long')] })
      expect(readFileSync(part).equals(BODY)).toBe(true)
      expect(server.requests[0].range).toBeNull()
    })

    test('without any request when the .part already has the exact size', async () => {
      server.route('/complete', { body: BODY })
      writeFileSync(part, BODY)
      await downloadFile({ ...base(), urls: [server.url('/complete')] })
      expect(server.requests).toHaveLength(0)
    })

    test('when the size is unknown and the server says the range is past the end (416)', async () => {
      server.route('/done', { body: BODY })
      writeFileSync(part, BODY)
      const result = await downloadFile({ ...base(), expectedSize: null, urls: [server.url('/done')] })
      expect(result.bytes).toBe(BODY.length)
      expect(server.requests).toHaveLength(1)
    })
  })

  describe('should fall back to the next URL', () => {
    test('after a 404, without retrying it', async () => {
      server.route('/good', { body: BODY })
      await downloadFile({ ...base(), urls: [server.url('/missing'), server.url('/good')] })
      expect(readFileSync(part).equals(BODY)).toBe(true)
      expect(server.requests.map((r) => r.path)).toEqual(['/missing', '/good'])
    })

    test('after a 500 that persists through the retries', async () => {
      server.route('/broken', { body: BODY, script: [{ kind: 'status', status: 500 }, { kind: 'status', status: 500 }] })
      server.route('/good', { body: BODY })
      const result = await downloadFile({ ...base(), urls: [server.url('/broken'), server.url('/good')] })
      expect(result.url).toBe(server.url('/good'))
      expect(server.requests.map((r) => r.path)).toEqual(['/broken', '/broken', '/good'])
    })

    test('after a connection refused', async () => {
      server.route('/good', { body: BODY })
      await downloadFile({ ...base(), urls: ['http://127.0.0.1:1/file', server.url('/good')] })
      expect(readFileSync(part).equals(BODY)).toBe(true)
    })
  })

  test('should retry a transient 503 on the same URL with backoff', async () => {
    server.route('/flaky', { body: BODY, script: [{ kind: 'status', status: 503 }] })
    await downloadFile({ ...base(), urls: [server.url('/flaky')] })
    expect(server.requests.map((r) => r.path)).toEqual(['/flaky', '/flaky'])
    expect(readFileSync(part).equals(BODY)).toBe(true)
  })

  test('should report every URL when all fail', async () => {
    server.route('/broken', { body: BODY, script: [{ kind: 'status', status: 500 }, { kind: 'status', status: 500 }] })
    const error = await downloadFile({ ...base(), urls: [server.url('/nope'), server.url('/broken')] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransferError)
    expect((error as TransferError).code).toBe('DOWNLOAD_FAILED')
    expect((error as TransferError).failures.map((f) => f.reason)).toEqual(['HTTP 404 Not Found', 'HTTP 500 Internal Server Error'])
  })

  test('should detect an HTML page instead of the file and leave the partial bytes alone', async () => {
    server.route('/drive', { body: BODY, script: [{ kind: 'html' }] })
    const error = (await downloadFile({ ...base(), urls: [server.url('/drive')] }).catch((e: unknown) => e)) as TransferError
    expect(error.failures[0].html).toEqual({ title: 'Google Drive - Virus scan warning' })
    expect(error.failures[0].reason).toBe('the server sent an HTML page, not the file')
    expect(existsSync(part)).toBe(false)
  })

  test('should stop on cancel, keep a resumable .part, and complete it on the next call', async () => {
    server.route('/slow', { body: BODY, script: [{ kind: 'pause', after: 120_000 }] })
    const abort = new AbortController()
    const onProgress = (p: TransferProgress): void => {
      if (p.bytesDone >= 120_000) abort.abort()
    }
    const error = await downloadFile({ ...base(), urls: [server.url('/slow')], signal: abort.signal, onProgress, progressIntervalMs: 0 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EpsinasError)
    expect((error as EpsinasError).code).toBe('CANCELLED')
    expect(statSync(part).size).toBe(120_000)

    await downloadFile({ ...base(), urls: [server.url('/slow')] })
    expect(readFileSync(part).equals(BODY)).toBe(true)
    expect(server.requests.map((r) => r.range)).toEqual([null, 'bytes=120000-'])
  })

  test('should abort an attempt that stalls, and resume it', async () => {
    server.route('/stall', { body: BODY, script: [{ kind: 'pause', after: 10_000 }] })
    await downloadFile({ ...base(), urls: [server.url('/stall')], stallTimeoutMs: 200 })
    expect(readFileSync(part).equals(BODY)).toBe(true)
    expect(server.requests.map((r) => r.range)).toEqual([null, 'bytes=10000-'])
  })

  describe('against a hostile server', () => {
    test('should give up after the retry budget when the server ignores Range and drops every response mid-body', async () => {
      // Each answer is a 200 from byte 0 that breaks before the 200 kB already kept: bytes arrive, none are gained.
      const drops = Array.from({ length: 50 }, () => ({ kind: 'drop' as const, after: 100_000 }))
      server.route('/restarts', { body: BODY, ignoreRange: true, script: drops })
      writeFileSync(part, BODY.subarray(0, 200_000))
      const error = await downloadFile({ ...base(), urls: [server.url('/restarts')] }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TransferError)
      expect(server.requests).toHaveLength(FAST_RETRY.attempts)
      const [failure] = (error as TransferError).failures
      expect(failure.reason).toContain(`${FAST_RETRY.attempts} attempts in a row gained no bytes`)
      expect(failure.reason).toContain('the server ignores Range and starts again at byte 0')
    })

    test('should stop at the exact size + 1 byte when a server without Content-Length sends more', async () => {
      server.route('/endless', { body: Buffer.concat([BODY, Buffer.alloc(3_000_000, 1)]), noLength: true })
      const written: number[] = []
      const onProgress = (p: TransferProgress): void => void written.push(p.bytesDone)
      const error = await downloadFile({ ...base(), urls: [server.url('/endless')], onProgress, progressIntervalMs: 0 }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TransferError)
      expect((error as TransferError).failures[0].reason).toBe(`the server sent more than the ${BODY.length} bytes this file has`)
      // Nothing past the limit reached the disk (progress counts written bytes) ...
      expect(Math.max(...written)).toBeLessThanOrEqual(BODY.length + 1)
      // ... and the useless bytes are not kept for a resume. Not retried: a second answer would be as long.
      expect(existsSync(part) ? statSync(part).size : 0).toBe(0)
      expect(server.requests).toHaveLength(1)
    })
  })

  describe('should follow redirects', () => {
    test('to the file, resuming with Range at the new address', async () => {
      server.route('/moved', { body: BODY, redirect: { status: 302, location: '/target' } })
      server.route('/target', { body: BODY })
      writeFileSync(part, BODY.subarray(0, 1000))
      const result = await downloadFile({ ...base(), urls: [server.url('/moved')] })
      expect(readFileSync(part).equals(BODY)).toBe(true)
      expect(result.url).toBe(server.url('/moved'))
      expect(server.requests).toEqual([
        { path: '/moved', range: 'bytes=1000-', ifRange: null },
        { path: '/target', range: 'bytes=1000-', ifRange: null },
      ])
    })

    test('at most MAX_REDIRECTS times, then say where they went', async () => {
      server.route('/loop', { body: BODY, redirect: { status: 301, location: '/loop' } })
      const error = (await downloadFile({ ...base(), urls: [server.url('/loop')] }).catch((e: unknown) => e)) as TransferError
      expect(error).toBeInstanceOf(TransferError)
      expect(error.failures[0].reason).toBe(`more than ${MAX_REDIRECTS} redirects (the last to ${server.url('/loop')})`)
      // Not retried: the same address redirects the same way.
      expect(server.requests).toHaveLength(MAX_REDIRECTS + 1)
    })

    test('and say where they went when the new address fails', async () => {
      server.route('/gone-away', { body: BODY, redirect: { status: 307, location: `${server.url('/nowhere')}?x=1` } })
      const error = (await downloadFile({ ...base(), urls: [server.url('/gone-away')] }).catch((e: unknown) => e)) as TransferError
      expect(error.failures[0].reason).toBe(`HTTP 404 Not Found (redirected to ${server.url('/nowhere')}?x=1)`)
    })
  })

  test('should report progress with bytes, total, rate and ETA', async () => {
    server.route('/progress', { body: BODY })
    const seen: TransferProgress[] = []
    await downloadFile({ ...base(), urls: [server.url('/progress')], onProgress: (p) => seen.push(p), progressIntervalMs: 0 })
    expect(seen.at(-1)).toMatchObject({ bytesDone: BODY.length, bytesTotal: BODY.length })
    expect(seen.every((p, i) => i === 0 || p.bytesDone >= seen[i - 1].bytesDone)).toBe(true)
    expect(seen.some((p) => p.rate > 0 && p.etaSeconds !== null)).toBe(true)
  })
})

describe('backoffDelay', () => {
  test('should double per failure within +-20% and stop at the maximum', () => {
    const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 }
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, () => 0.5))).toEqual([100, 200, 400, 800, 1000])
    expect(backoffDelay(policy, 1, () => 0)).toBe(80)
    expect(backoffDelay(policy, 1, () => 1)).toBe(120)
  })
})

describe('RateMeter', () => {
  test('should measure over the recent window and give the ETA at that rate', () => {
    let now = 0
    const meter = new RateMeter(1000, () => now)
    expect(meter.rate()).toBe(0)
    for (let t = 0; t <= 3000; t += 100) {
      now = t
      meter.record(t < 2000 ? t * 10 : 20_000 + (t - 2000) * 100) // 10 kB/s, then 100 kB/s
    }
    // The last second (plus the one sample before it), not the 40 kB/s average since the start.
    expect(meter.rate()).toBeGreaterThan(90_000)
    expect(meter.rate()).toBeLessThanOrEqual(100_000)
    expect(meter.eta(120_000, 220_000)).toBeCloseTo(100_000 / meter.rate(), 6)
    expect(meter.eta(1, null)).toBeNull()
  })
})

describe('redirectTarget', () => {
  test('should resolve a relative Location against the address that sent it', () => {
    expect(redirectTarget('https://a.example/x/file', '../y/file?v=2')).toEqual({ ok: true, url: 'https://a.example/y/file?v=2' })
    expect(redirectTarget('http://a.example/file', 'https://b.example/file')).toEqual({ ok: true, url: 'https://b.example/file' })
  })

  test('should refuse a downgrade from HTTPS to plain HTTP, another scheme, or no Location', () => {
    expect(redirectTarget('https://a.example/file', 'http://a.example/file')).toEqual({
      ok: false,
      reason: 'refused a redirect from HTTPS to plain HTTP (http://a.example/file): the file could be read or altered on the way',
    })
    expect(redirectTarget('https://a.example/file', 'file:///etc/passwd')).toEqual({ ok: false, reason: 'refused a redirect to file:///etc/passwd (only HTTP and HTTPS are fetched)' })
    expect(redirectTarget('https://a.example/file', null)).toEqual({ ok: false, reason: 'a redirect without a Location header' })
  })
})
