import { spawn } from 'node:child_process'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parse } from 'csv-parse/sync'
import { gzipLike, testItem, writeCatalogue } from '../benchmarks/download/fixtures.ts'
import { startServer, type TestServer } from '../benchmarks/download/server.ts'
import { NATS_SAMPLE, natsSampleTar } from '../benchmarks/nats-sample.ts'
import { listProxies, openBenchmarkStore } from '../../src/main/store/benchmarks.ts'
import { epsinas, tempDir, type CliRun } from './helpers.ts'

const BIN = join(import.meta.dirname, '../../bin/epsinas.mjs')
const BODY = gzipLike(400_000, 3)
const NATS = natsSampleTar()

/** A Suite-Zero NB201 file of every arch for `datasets` dataset keys (about 11 MB each): slow enough to interrupt. */
function suiteZeroFile(datasets: number): Buffer {
  const proxies = ['epe_nas', 'fisher', 'flops', 'grad_norm', 'grasp', 'jacov', 'l2_norm', 'nwot', 'params', 'plain', 'snip', 'synflow', 'zen']
  const parts: string[] = []
  for (let d = 0; d < datasets; d++) {
    const entries: string[] = []
    for (let i = 0; i < 15625; i++) {
      const key = `(${Array.from({ length: 6 }, (_, e) => Math.floor(i / 5 ** e) % 5).join(', ')})`
      entries.push(`${JSON.stringify(key)}: {${proxies.map((p, k) => `"${p}": {"score": ${i + k}.5, "time": 0.25}`).join(', ')}, "val_accuracy": ${(i % 90) + 0.5}}`)
    }
    parts.push(`"dataset${d}": {${entries.join(', ')}}`)
  }
  return Buffer.from(`{${parts.join(', ')}}`)
}
const ZC = suiteZeroFile(1)

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
    server.route('/nats.tar', { body: NATS, script: [{ kind: 'drop', after: 50_000 }] })
    const catalogue = writeCatalogue(dir, [
      testItem('alpha', [{ name: 'alpha.tar.gz', body: BODY, urls: [server.url('/missing'), server.url('/file')] }]),
      testItem('slow', [{ name: 'slow.tar.gz', body: BODY, urls: [server.url('/slow')] }]),
      testItem('drive', [{ name: 'drive.tar.gz', body: BODY, urls: [server.url('/drive')] }]),
      testItem('local', [{ name: 'local.tar.gz', body: BODY, urls: [server.url('/missing')] }], { conversion: { needed: true, into: 'tables', parser: 'nb201-nats' } }),
      testItem('nats', [{ name: 'NATS-tss-v1_0-3ffb9-simple.tar', body: NATS, urls: [server.url('/nats.tar')], format: 'tar' }], { conversion: { needed: true, into: 'tables', parser: 'nb201-nats' } }),
      testItem('zc', [{ name: 'zc_nasbench201.json', body: ZC, urls: [server.url('/missing')], format: 'json' }], { conversion: { needed: true, into: 'tables', parser: 'suite-zero' } }),
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
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[2])).toEqual(['missing', 'missing', 'missing', 'missing', 'missing', 'missing'])
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
    expect(imported.stdout).toContain('local: needs-conversion, 400.0 kB on disk; installed; next: epsinas data convert local')
    expect(imported.status).toBe(0)

    const verified = await run(['data', 'verify', 'local', ...common])
    expect(verified.stdout).toMatch(/^ok {5}local\.tar\.gz: SHA-256 [0-9a-f]{64} \(from test\)$/m)
    expect(verified.status).toBe(0)

    // Random bytes with a gzip header are no NATS archive: a clear error, nothing converted.
    const convert = await run(['data', 'convert', 'local', ...common, '--db', join(dir, 'local.db'), '--no-progress'])
    expect(convert.status).toBe(2)
    expect(convert.stderr).toContain('local.tar.gz')
    expect((await run(['data', 'list', '--json', ...common])).stdout).toContain('"status": "needs-conversion"')

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
    expect(result.stderr).toContain("no catalogue item 'nope'; known items: alpha, slow, drive, local, nats, zc")
  })

  test('NATS archive: download (resumed after a drop), convert with progress, then stats and --archs use the installed benchmark', async () => {
    const db = join(dir, 'nats.db')
    const download = await run(['data', 'download', 'nats', ...common, '--no-progress', '--retry-delay', '5'])
    expect(download.stdout).toContain('nats: needs-conversion')
    expect(download.status).toBe(0)
    expect(server.requests.filter((r) => r.path === '/nats.tar').map((r) => r.range)).toEqual([null, 'bytes=50000-'])

    const convert = await run(['data', 'convert', 'nats', ...common, '--db', db])
    expect(convert.stderr).toMatch(/convert nats .*\| .* \| ETA .*NATS-tss-v1_0-3ffb9-simple\.tar: \d+ records/)
    expect(convert.stdout).toContain(`converted NATS-tss-v1_0-3ffb9-simple.tar: 4 records -> 3 rows of nb201 in ${db}`)
    expect(convert.stdout).toContain('nats: ready')
    expect(convert.status).toBe(0)

    // Benchmark indices in --archs resolve through the converted meta_archs (not our enumeration order).
    const ids = join(dir, 'ids.txt')
    writeFileSync(ids, '# NB201 benchmark indices\n0\n11\n284\n')
    const out = join(dir, 'nats-scores.csv')
    const score = epsinas(['score', '--archs', ids, '--db', db, '--batch', '8', '--workers', '1', '--no-progress', '--out', out])
    expect(score.stderr).toContain('3 architectures')
    expect(score.status).toBe(0)
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Array<{ arch: string }>
    expect(rows.map((r) => r.arch)).toEqual([NATS_SAMPLE['000000'].arch, NATS_SAMPLE['000011'].arch, NATS_SAMPLE['000284'].arch])

    // stats finds the installed accuracies itself (no --accuracies). Scores ordered as the cifar10
    // test accuracies (arch 11 91.58 > 284 88.79 > 0 85.86) give rank correlation 1.
    const scores = join(dir, 'ranked.csv')
    writeFileSync(scores, `arch,epsilon\n${NATS_SAMPLE['000000'].arch},1\n${NATS_SAMPLE['000011'].arch},3\n${NATS_SAMPLE['000284'].arch},2\n`)
    const stats = epsinas(['stats', '--scores', scores, '--db', db, '--json', join(dir, 'stats.json')])
    expect(stats.stderr).toBe('')
    expect(stats.stdout).toMatch(/architectures used \(n\)\s+3/)
    expect(stats.status).toBe(0)
    expect(JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8'))).toMatchObject({ n: 3, spearman: 1, kendall: 1 })
    // The scores of the real run join too (NaN scores of small batches are counted as dropped).
    const fromRun = epsinas(['stats', '--scores', out, '--db', db, '--dataset', 'cifar100', '--split', 'valid'])
    expect(fromRun.stdout).toMatch(/dropped \(NaN score or accuracy\)\s+\d/)
    expect(fromRun.status).toBe(0)

    const unknown = join(dir, 'unknown.txt')
    writeFileSync(unknown, '15625\n')
    const bad = epsinas(['score', '--archs', unknown, '--db', db, '--no-progress'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain(`${unknown} line 1: NAS-Bench-201 index 15625 is not installed`)
  })

  test('Ctrl-C during a conversion stops it (exit 130) with the tables unchanged; the same command then converts', async () => {
    const source = join(dir, 'zc.json')
    writeFileSync(source, ZC)
    expect((await run(['data', 'import', 'zc', source, ...common])).status).toBe(0)
    const db = join(dir, 'zc.db')
    // Interrupt once the bar shows records read: the import is then half-way through the file.
    const stopped = await run(['data', 'convert', 'zc', ...common, '--db', db], (child) => {
      let seen = ''
      const onData = (chunk: Buffer): void => {
        seen += chunk.toString()
        if (!/[1-9]\d* records read/.test(seen)) return
        // One SIGINT: a second one, like a second Ctrl-C, would end the process at once.
        child.stderr?.off('data', onData)
        child.kill('SIGINT')
      }
      child.stderr?.on('data', onData)
    })
    expect(stopped.stderr).toContain('conversion of zc stopped; the benchmark tables are unchanged')
    expect(stopped.status).toBe(130)
    const store = openBenchmarkStore(db)
    try {
      expect(listProxies(store, 'nb201', 'dataset0')).toEqual([])
    } finally {
      store.close()
    }
    expect((await run(['data', 'list', '--json', ...common])).stdout).toMatch(/"id": "zc",[^}]*"status": "needs-conversion"/)

    const converted = await run(['data', 'convert', 'zc', ...common, '--db', db, '--no-progress'])
    expect(converted.stdout).toContain('converted zc_nasbench201.json: 15625 records -> 218750 rows of suite-zero:nb201')
    expect(converted.status).toBe(0)
  })

  test('stats without installed accuracies says what to install', () => {
    const scores = join(dir, 'lonely.csv')
    writeFileSync(scores, `arch,epsilon\n${NATS_SAMPLE['000000'].arch},1\n`)
    const stats = epsinas(['stats', '--scores', scores, '--db', join(dir, 'empty.db')])
    expect(stats.status).toBe(2)
    expect(stats.stderr).toContain('no nb201 cifar10 accuracies are installed')
    expect(stats.stderr).toContain('epsinas data download nb201-nats-tss-simple then epsinas data convert nb201-nats-tss-simple')
  })
})
