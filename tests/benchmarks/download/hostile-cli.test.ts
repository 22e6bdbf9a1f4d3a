/**
 * `epsinas data download` as a real child process against hostile servers on 127.0.0.1: it must stop
 * by itself with a clear message, leave no lock behind, and never follow HTTPS down to plain HTTP.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { itemPaths } from '../../../src/main/benchmarks/install/index.ts'
import { waitFor } from '../../jobs/helpers.ts'
import { gzipLike, tempDir, testItem, writeCatalogue } from './fixtures.ts'
import { startServer, type TestServer } from './server.ts'

const BIN = join(import.meta.dirname, '../../../bin/epsinas.mjs')
const BODY = gzipLike(300_000, 5)
const RETRIES = 2

interface Finished {
  status: number | null
  signal: NodeJS.Signals | null
  stderr: string
}

/** Starts the CLI without blocking this process, which serves the downloads. */
function start(args: readonly string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; finished: Promise<Finished> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const finished = new Promise<Finished>((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stderr })))
  return { child, finished }
}

const hasOpenssl = spawnSync('openssl', ['version']).status === 0

describe('epsinas data download against a hostile server', () => {
  let server: TestServer
  let https: HttpsServer | null = null
  let httpsPort = 0
  let dir: string
  let cleanup: () => void
  let common: string[]
  let dataDir: string

  beforeAll(async () => {
    server = await startServer()
    ;({ dir, cleanup } = tempDir())
    dataDir = join(dir, 'data')
    // Far more drops than any sane budget: today's code would retry through all of them.
    const drops = Array.from({ length: 60 }, () => ({ kind: 'drop' as const, after: 100_000 }))
    server.route('/restarts', { body: BODY, ignoreRange: true, script: drops })
    server.route('/hangs', { body: BODY, script: [{ kind: 'pause', after: 50_000 }] })
    server.route('/plain', { body: BODY })
    if (hasOpenssl) {
      // A self-signed certificate for 127.0.0.1, trusted by the child through NODE_EXTRA_CA_CERTS.
      const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'])
      expect(made.status).toBe(0)
      https = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
        // Every path moves to the same path on the plain-HTTP server.
        res.writeHead(302, { location: server.url(req.url ?? '/') }).end()
      })
      await new Promise<void>((resolve) => https?.listen(0, '127.0.0.1', resolve))
      httpsPort = (https.address() as AddressInfo).port
    }
    const catalogue = writeCatalogue(dir, [
      testItem('restarts', [{ name: 'restarts.tar.gz', body: BODY, urls: [server.url('/restarts')] }]),
      testItem('hangs', [{ name: 'hangs.tar.gz', body: BODY, urls: [server.url('/hangs')] }]),
      testItem('downgrade', [{ name: 'downgrade.tar.gz', body: BODY, urls: [`https://127.0.0.1:${httpsPort || 1}/plain`] }]),
    ])
    common = ['--catalogue', catalogue, '--data-dir', dataDir]
  })
  afterAll(async () => {
    await server.close()
    if (https) {
      https.closeAllConnections()
      await new Promise((resolve) => https?.close(resolve))
    }
    cleanup()
  })

  test('a server that ignores Range and drops every answer mid-body: gives up after the retry budget, says why, removes the lock', async () => {
    // 200 kB kept from an earlier run: every answer restarts at byte 0 and breaks at 100 kB, gaining nothing.
    const paths = itemPaths(dataDir, 'restarts')
    mkdirSync(paths.dir, { recursive: true })
    writeFileSync(paths.part('restarts.tar.gz'), BODY.subarray(0, 200_000))
    const run = start(['data', 'download', 'restarts', ...common, '--retries', String(RETRIES), '--retry-delay', '1', '--no-progress'])
    const result = await run.finished
    const requests = server.requests.filter((r) => r.path === '/restarts')
    expect(requests.length).toBeLessThanOrEqual(RETRIES + 1)
    expect(requests[0].range).toBe('bytes=200000-')
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(`${RETRIES} attempts in a row gained no bytes: the server ignores Range and starts again at byte 0`)
    // A rerun would start over too, so the advice is not "the same command resumes it".
    expect(result.stderr).toContain('the server ignores Range requests, so running the same command again starts over')
    expect(result.stderr).not.toContain('running the same command again resumes it')
    expect(existsSync(paths.lock)).toBe(false)
  })

  test('SIGTERM during a download removes the lock (the process still ends by the signal)', async () => {
    const run = start(['data', 'download', 'hangs', ...common, '--no-progress'])
    const lock = itemPaths(dataDir, 'hangs').lock
    await waitFor('the download to hold its lock and reach the server', () => (existsSync(lock) && server.requests.some((r) => r.path === '/hangs') ? true : undefined), 60_000)
    run.child.kill('SIGTERM')
    const result = await run.finished
    expect(result.signal).toBe('SIGTERM')
    expect(existsSync(lock)).toBe(false)
  })

  test.skipIf(!hasOpenssl)('a redirect from HTTPS to plain HTTP is refused, and the plain server is never asked', async () => {
    const before = server.requests.length
    const result = await start(['data', 'download', 'downgrade', ...common, '--no-progress'], { NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') }).finished
    expect(result.stderr).toContain(`refused a redirect from HTTPS to plain HTTP (${server.url('/plain')})`)
    expect(result.status).toBe(1)
    expect(server.requests.length).toBe(before)
    expect(existsSync(itemPaths(dataDir, 'downgrade').lock)).toBe(false)
  })
})
