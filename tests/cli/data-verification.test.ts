import { spawn } from 'node:child_process'
import { appendFileSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { gzipLike, testItem, writeCatalogue } from '../benchmarks/download/fixtures.ts'
import { startServer, type TestServer } from '../benchmarks/download/server.ts'
import { tempDir, type CliRun } from './helpers.ts'

const BIN = join(import.meta.dirname, '../../bin/epsinas.mjs')
const NATS_FILES = join(import.meta.dirname, '..', 'fixtures', 'benchmarks', 'nats', 'sample')
const NATS_FOLDER = 'NATS-tss-v1_0-3ffb9-simple'
const MEMBERS = ['meta.pickle.pbz2', '000000.pickle.pbz2', '000011.pickle.pbz2', '000284.pickle.pbz2']
const ALPHA = gzipLike(50_000, 5)
const ZC = Buffer.from('{"cifar10": {}}')

/** Runs the CLI without blocking this process, which serves the downloads. */
function run(args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

/** NATS-Bench's advice: `tar xvf` the archive into $TORCH_HOME, which leaves NATS-tss-v1_0-3ffb9-simple/. */
function extractedNats(torchHome: string, members = MEMBERS): string {
  const folder = join(torchHome, NATS_FOLDER)
  mkdirSync(folder, { recursive: true })
  for (const name of members) copyFileSync(join(NATS_FILES, name), join(folder, name))
  writeFileSync(join(torchHome, 'unrelated.txt'), 'other things in $TORCH_HOME')
  return folder
}

describe('epsinas data: what was verified, and extracted folders', () => {
  let server: TestServer
  let dir: string
  let cleanup: () => void
  let common: string[]
  beforeAll(async () => {
    server = await startServer()
    ;({ dir, cleanup } = tempDir())
    server.route('/alpha', { body: ALPHA })
    server.route('/zc', { body: ZC })
    const catalogue = writeCatalogue(dir, [
      testItem('alpha', [{ name: 'alpha.tar.gz', body: ALPHA, urls: [server.url('/alpha')] }]),
      testItem('zc', [{ name: 'zc_nasbench201.json', body: ZC, urls: [server.url('/zc')], format: 'json', checksum: null, exactSize: false }], {
        conversion: { needed: true, into: 'tables', parser: 'suite-zero' },
      }),
      testItem('nats', [{ name: 'NATS-tss-v1_0-3ffb9-simple.tar', body: Buffer.alloc(1), urls: [server.url('/missing')], format: 'tar', checksum: null, exactSize: false }], {
        conversion: { needed: true, into: 'tables', parser: 'nb201-nats' },
      }),
    ])
    // The test items, plus what the bundled NATS item says about its missing checksum and its extracted folder.
    const raw = JSON.parse((await import('node:fs')).readFileSync(catalogue, 'utf8')) as { items: Array<{ id: string; files: Array<Record<string, unknown>> }> }
    raw.items[1].files[0].noChecksum = 'none is published: a test file'
    raw.items[2].files[0].extracted = { folder: NATS_FOLDER, members: '^(meta|\\d{6})\\.pickle\\.pbz2$', required: ['meta.pickle.pbz2'], minMembers: 4 }
    writeFileSync(catalogue, JSON.stringify(raw))
    common = ['--catalogue', catalogue, '--data-dir', join(dir, 'data')]
  })
  afterAll(async () => {
    await server.close()
    cleanup()
  })

  test('download says which files were verified by a checksum and which were not', async () => {
    const alpha = await run(['data', 'download', 'alpha', ...common, '--no-progress'])
    expect(alpha.stdout).toMatch(/^downloaded and verified alpha\.tar\.gz: SHA-256 [0-9a-f]{64} \(from test\)$/m)
    expect(alpha.status).toBe(0)
    const zc = await run(['data', 'download', 'zc', ...common, '--no-progress'])
    expect(zc.status).toBe(0)
    expect(zc.stdout).not.toContain('verified;')
    expect(zc.stdout).not.toContain('downloaded and verified')
    expect(zc.stdout).toContain('downloaded zc_nasbench201.json, NOT verified by a checksum (none is published: a test file); checked only: size (estimate only) and format (json)')
    expect(zc.stdout).toContain('zc: needs-conversion, 15 B on disk; installed; next: epsinas data convert zc')
  })

  test('import says which files were verified by a checksum and which were not', async () => {
    const mine = join(dir, 'zc_nasbench201.json')
    writeFileSync(mine, ZC)
    const imported = await run(['data', 'import', 'zc', mine, ...common, '--data-dir', join(dir, 'data-import')])
    expect(imported.status).toBe(0)
    expect(imported.stdout).not.toContain('downloaded and verified')
    expect(imported.stdout).toContain(`imported zc_nasbench201.json (hard link of ${mine}), NOT verified by a checksum (none is published: a test file)`)
  })

  test('an extracted NATS folder in $TORCH_HOME is imported, converted and verified; the folder rule is stated', async () => {
    const torchHome = join(dir, 'torch')
    extractedNats(torchHome)
    const imported = await run(['data', 'import', 'nats', torchHome, ...common, '--copy'])
    expect(imported.stderr).toBe('')
    expect(imported.status).toBe(0)
    expect(imported.stdout).toContain(`imported NATS-tss-v1_0-3ffb9-simple.tar as its extracted folder ${NATS_FOLDER}/ (4 files, copies from ${join(torchHome, NATS_FOLDER)}), NOT verified by a checksum (no published checksum covers an extracted folder)`)
    expect(imported.stdout).toContain('checked only: its layout (meta.pickle.pbz2 and at least 4 files); the SHA-256 of each file is recorded in the manifest, and epsinas data verify re-checks them')
    expect(imported.stdout).toContain('nats: needs-conversion')
    expect(existsSync(join(dir, 'data', 'benchmarks', 'nats', NATS_FOLDER, 'meta.pickle.pbz2'))).toBe(true)

    const db = join(dir, 'nats.db')
    const convert = await run(['data', 'convert', 'nats', ...common, '--db', db, '--no-progress'])
    expect(convert.stdout).toContain(`converted NATS-tss-v1_0-3ffb9-simple.tar: 4 records -> 3 rows of nb201 in ${db}`)
    expect(convert.stdout).toContain('nats: ready')
    expect(convert.status).toBe(0)

    const verified = await run(['data', 'verify', 'nats', ...common])
    expect(verified.stdout).toMatch(/^ok {5}NATS-tss-v1_0-3ffb9-simple\.tar: .*its layout/m)
    expect(verified.status).toBe(0)
    // The folder is the installed file: download has nothing to fetch.
    const download = await run(['data', 'download', 'nats', ...common, '--no-progress'])
    expect(download.stdout).toContain('already installed: NATS-tss-v1_0-3ffb9-simple.tar')
    expect(download.status).toBe(0)
    // A changed member is caught by its recorded SHA-256.
    appendFileSync(join(dir, 'data', 'benchmarks', 'nats', NATS_FOLDER, '000011.pickle.pbz2'), 'x')
    const changed = await run(['data', 'verify', 'nats', ...common])
    expect(changed.stdout).toMatch(/^FAILED NATS-tss-v1_0-3ffb9-simple\.tar: .*000011\.pickle\.pbz2 changed since it was installed/m)
    expect(changed.status).toBe(2)
  })

  test('a cut-short extracted folder is refused and nothing is imported', async () => {
    const torchHome = join(dir, 'torch-short')
    extractedNats(torchHome, MEMBERS.slice(1))
    const data = join(dir, 'data-short')
    const result = await run(['data', 'import', 'nats', join(torchHome, NATS_FOLDER), ...common, '--data-dir', data])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(`nothing was imported into nats`)
    expect(result.stderr).toContain('lacks meta.pickle.pbz2')
    expect(existsSync(join(data, 'benchmarks', 'nats', NATS_FOLDER))).toBe(false)
  })

  test('the bundled nb201-nats-tss-simple item takes the extracted folder, and holds it to the full archive layout', async () => {
    const torchHome = join(dir, 'torch-bundled')
    extractedNats(torchHome)
    const result = await run(['data', 'import', 'nb201-nats-tss-simple', torchHome, '--data-dir', join(dir, 'data-bundled')])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(`${join(torchHome, NATS_FOLDER)}: the extracted folder has 4 of the at least 15626 files of NATS-tss-v1_0-3ffb9-simple.tar`)
  })
})
