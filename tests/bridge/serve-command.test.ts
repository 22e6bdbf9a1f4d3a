import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { tempDir } from '../services/api/helpers.ts'
import { callApi } from './helpers.ts'

const BIN = join(import.meta.dirname, '../../bin/epsinas.mjs')

describe('epsinas serve', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir('epsinas-serve-')))
  afterAll(() => cleanup())

  test('should bind 127.0.0.1 by default, print the URL with its token, answer the API and stop on SIGINT', async () => {
    const db = join(dir, 'serve.db')
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db, '--workers', '1'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      const deadline = Date.now() + 20_000
      let match: RegExpExecArray | null = null
      while (!(match = /open (http:\/\/([\d.]+):(\d+))\/\?token=([A-Za-z0-9_-]{32})\n/.exec(stdout))) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no URL printed: ${stdout}${stderr}`)
        await new Promise((r) => setTimeout(r, 50))
      }
      const [, origin, host, , token] = match
      expect(host).toBe('127.0.0.1')
      expect(stdout).toContain(`API token (Authorization: Bearer): ${token}`)
      const info = await callApi(origin, token, 'app:info')
      expect(info.status).toBe(200)
      expect(info.json()).toMatchObject({ ok: true, value: { dbPath: db, workers: 1 } })
      expect((await callApi(origin, 'not-the-token', 'app:info')).status).toBe(401)
    } finally {
      child.kill('SIGINT')
    }
    expect(await exit).toBe(0)
    expect(stderr).toContain('epsinas serve stopped')
  })
})
