import { spawn } from 'node:child_process'
import { existsSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { gzipLike, testItem, writeCatalogue } from '../benchmarks/download/fixtures.ts'
import { startServer, type TestServer } from '../benchmarks/download/server.ts'
import { tempDir, type CliRun } from './helpers.ts'

const BIN = join(import.meta.dirname, '../../bin/epsinas.mjs')
const BODY = gzipLike(400_000, 3)

/** Runs the CLI without blocking this process, which serves the downloads. */
function run(args: readonly string[], onStart?: (child: ReturnType<typeof spawn>) => void): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('close', (status) => resolve({ status, stdout, stderr }))
    onStart?.(child)
  })
}

describe('epsinas data', () => {
  let server: TestServer
  let dir: string
  let cleanup: () => void
  let common: string[]
  beforeAll(async () => {
    server = await startServer()
    ;({ dir, cleanup } = tempDir())
    server.route('/file', { body: BODY })
    server.route('/slow', { body: BODY, script: [{ kind: 'pause', after: 100_000 }] })
    server.route('/drive', { body: BODY, script: [{ kind: 'html' }, { kind: 'html' }] })
    const catalogue = writeCatalogue(dir, [
      testItem('alpha', [{ name: 'alpha.tar.gz', body: BODY, urls: [server.url('/missing'), server.url('/file')] }]),
      testItem('slow', [{ name: 'slow.tar.gz', body: BODY, urls: [server.url('/slow')] }]),
      testItem('drive', [{ name: 'drive.tar.gz', body: BODY, urls: [server.url('/drive')] }]),
      testItem('local', [{ name: 'local.tar.gz', body: BODY, urls: [server.url('/missing')] }], { conversion: { needed: true, into: 'tables' } }),
    ])
    common = ['--catalogue', catalogue, '--data-dir', join(dir, 'data')]
  })
  afterAll(async () => {
    await server.close()
    cleanup()
  })

  test('list prints id, size, status and title for every item', async () => {
    const result = await run(['data', 'list', ...common])
    expect(result.status).toBe(0)
    const lines = result.stdout.trim().split('\n')
    expect(lines[0].split(/\s+/)).toEqual(['id', 'size', 'status', 'title'])
    expect(lines[1].split(/\s+/).slice(0, 3)).toEqual(['alpha', '400.0', 'kB'])
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[2])).toEqual(['missing', 'missing', 'missing', 'missing'])
  })

  test('download falls back to the mirror, shows a progress bar, verifies and installs', async () => {
    const result = await run(['data', 'download', 'alpha', ...common, '--retry-delay', '5'])
    expect(result.stderr).toMatch(/alpha .*\d+% \| .* of 400\.0 kB \| .*\/s \| ETA /)
    expect(result.stdout).toContain('downloaded and verified alpha.tar.gz')
    expect(result.stdout).toContain('alpha: ready, 400.0 kB on disk; ready to use')
    expect(result.status).toBe(0)
    const list = JSON.parse((await run(['data', 'list', '--json', ...common])).stdout) as Array<{ id: string; status: string }>
    expect(list.find((row) => row.id === 'alpha')?.status).toBe('ready')
  })

  test('Ctrl-C pauses a download (exit 130) and the same command resumes it', async () => {
    const part = join(dir, 'data', 'benchmarks', 'slow', 'slow.tar.gz.part')
    const first = await run(['data', 'download', 'slow', ...common, '--no-progress'], (child) => {
      const poll = setInterval(() => {
        if (existsSync(part) && statSync(part).size >= 100_000) {
          clearInterval(poll)
          child.kill('SIGINT')
        }
      }, 20)
    })
    expect(first.status).toBe(130)
    expect(first.stderr).toContain('download of slow stopped; the partial file is kept: run epsinas data download slow to resume')
    expect(statSync(part).size).toBe(100_000)
    const second = await run(['data', 'download', 'slow', ...common, '--no-progress'])
    expect(second.status).toBe(0)
    expect(second.stdout).toContain('slow: ready')
    expect(server.requests.filter((r) => r.path === '/slow').map((r) => r.range)).toEqual([null, 'bytes=100000-'])
  })

  test('download explains an HTML page and how to import the file instead', async () => {
    const result = await run(['data', 'download', 'drive', ...common, '--no-progress'])
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(`the server sent an HTML page, not the file: ${server.url('/drive')} ("Google Drive - Virus scan warning")`)
    expect(result.stderr).toContain('download it in a browser and use `epsinas data import drive PATH`')
  })

  test('import, verify and remove a file the user already has', async () => {
    const mine = join(dir, 'my-copy.tgz')
    writeFileSync(mine, BODY)
    const imported = await run(['data', 'import', 'local', mine, ...common])
    expect(imported.stdout).toContain(`imported local.tar.gz (hard link of ${mine})`)
    expect(imported.stdout).toContain('local: needs-conversion, 400.0 kB on disk; downloaded and verified; next: epsinas data convert local')
    expect(imported.status).toBe(0)

    const verified = await run(['data', 'verify', 'local', ...common])
    expect(verified.stdout).toMatch(/^ok {5}local\.tar\.gz: SHA-256 [0-9a-f]{64} \(from test\)$/m)
    expect(verified.status).toBe(0)

    const convert = await run(['data', 'convert', 'local', ...common])
    expect(convert.status).toBe(2)
    expect(convert.stderr).toContain('conversion of local arrives with the benchmark parsers')

    const removed = await run(['data', 'remove', 'local', ...common])
    expect(removed.stdout).toMatch(/^removed local \(\d+\.\d kB freed\)$/m)
    expect(existsSync(mine)).toBe(true)
    expect((await run(['data', 'remove', 'local', ...common])).stdout).toBe('local is not installed\n')
  })

  test('a wrong file is refused on import with exit 2', async () => {
    const wrong = join(dir, 'wrong.tgz')
    writeFileSync(wrong, gzipLike(400_000, 9))
    const result = await run(['data', 'import', 'local', wrong, ...common])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('nothing was imported into local')
    expect(result.stderr).toContain('local.tar.gz fails its checksum: expected SHA-256')
  })

  test('an unknown id is a usage error', async () => {
    const result = await run(['data', 'download', 'nope', ...common])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain("no catalogue item 'nope'; known items: alpha, slow, drive, local")
  })
})
