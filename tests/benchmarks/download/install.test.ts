import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import {
  downloadItem,
  importItem,
  itemPaths,
  itemStatus,
  markConverted,
  removeItem,
  verifyItem,
  type ItemProgress,
} from '../../../src/main/benchmarks/install/index.ts'
import { EpsinasError } from '../../../src/shared/errors.ts'
import { FAST_RETRY, digest, gzipLike, tempDir, testItem } from './fixtures.ts'
import { startServer, type TestServer } from './server.ts'

const A = gzipLike(200_000, 1)
const B = gzipLike(150_000, 2)

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<EpsinasError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(EpsinasError)
  return error as EpsinasError
}

describe('benchmark items', () => {
  let server: TestServer
  let dataDir: string
  let cleanup: () => void
  beforeAll(async () => {
    server = await startServer()
    server.route('/a', { body: A })
    server.route('/b', { body: B })
  })
  afterAll(() => server.close())
  beforeEach(() => {
    ;({ dir: dataDir, cleanup } = tempDir())
    server.requests.length = 0
  })
  afterEach(() => cleanup())

  const twoFiles = () =>
    testItem('two', [
      { name: 'a.tar.gz', body: A, urls: [server.url('/a')] },
      { name: 'b.tar.gz', body: B, urls: [server.url('/b')] },
    ])
  const folderOf = (id: string) => itemPaths(dataDir, id).dir

  describe('downloadItem', () => {
    test('should download, verify and publish every file, reporting item-wide progress', async () => {
      const item = twoFiles()
      expect((await itemStatus(dataDir, item)).state).toBe('missing')
      const progress: ItemProgress[] = []
      const result = await downloadItem(item, { dataDir, retry: FAST_RETRY, onProgress: (p) => progress.push(p) })
      expect(result.fetched).toEqual(['a.tar.gz', 'b.tar.gz'])
      expect(result.status.state).toBe('ready')
      expect(readFileSync(join(folderOf('two'), 'a.tar.gz')).equals(A)).toBe(true)
      expect(readdirSync(folderOf('two')).sort()).toEqual(['a.tar.gz', 'b.tar.gz', 'manifest.json'])
      expect(progress.at(-1)).toMatchObject({ bytesDone: A.length + B.length, bytesTotal: A.length + B.length, index: 1, count: 2 })
      const manifest = JSON.parse(readFileSync(join(folderOf('two'), 'manifest.json'), 'utf8'))
      expect(manifest.files['a.tar.gz']).toMatchObject({ state: 'ready', size: A.length, sha256: digest('sha256', A), origin: server.url('/a') })

      const again = await downloadItem(item, { dataDir, retry: FAST_RETRY })
      expect(again.alreadyPresent).toEqual(['a.tar.gz', 'b.tar.gz'])
      expect(server.requests).toHaveLength(2)
    })

    test('should say needs-conversion until the parsers mark the item converted', async () => {
      const item = testItem('conv', [{ name: 'a.tar.gz', body: A, urls: [server.url('/a')] }], { conversion: { needed: true, into: 'tables', parser: 'nb201-nats' } })
      expect((await downloadItem(item, { dataDir, retry: FAST_RETRY })).status.state).toBe('needs-conversion')
      await markConverted(item, { dataDir, note: 'test tables' })
      expect((await itemStatus(dataDir, item)).state).toBe('ready')
    })

    test('should start with the URL given by mirror and wrap around', async () => {
      const item = testItem('mirrors', [{ name: 'a.tar.gz', body: A, urls: [server.url('/missing'), server.url('/a')] }])
      await downloadItem(item, { dataDir, retry: FAST_RETRY, mirror: 1 })
      expect(server.requests.map((r) => r.path)).toEqual(['/a'])
      const error = await rejection(downloadItem(item, { dataDir, mirror: 2 }))
      expect(error.code).toBe('BAD_ARGUMENT')
      expect(error.message).toContain('has 2 URLs (0 to 1')
    })

    test('should mark a checksum mismatch corrupt and publish nothing', async () => {
      const item = testItem('bad', [{ name: 'a.tar.gz', body: A, urls: [server.url('/a')], checksum: { algorithm: 'md5', value: '0'.repeat(32), source: 'test', verified: true } }])
      const error = await rejection(downloadItem(item, { dataDir, retry: FAST_RETRY }))
      expect(error.code).toBe('DOWNLOAD_FAILED')
      expect(error.message).toContain(`a.tar.gz fails its checksum: expected MD5 ${'0'.repeat(32)}, got ${digest('md5', A)}`)
      expect(error.message).toContain('nothing was installed')
      expect(readdirSync(folderOf('bad'))).toEqual(['manifest.json'])
      const status = await itemStatus(dataDir, item)
      expect(status.state).toBe('corrupt')
      expect(status.problem).toContain('fails its checksum')
    })

    test('should refuse a file whose size differs from the exact size in the catalogue', async () => {
      server.route('/short', { body: A.subarray(0, 1000) })
      const item = testItem('short', [{ name: 'a.tar.gz', body: A, urls: [server.url('/short')] }])
      const error = await rejection(downloadItem(item, { dataDir, retry: FAST_RETRY }))
      expect(error.message).toContain(`a.tar.gz has 1000 bytes`)
      expect((await itemStatus(dataDir, item)).state).toBe('corrupt')
    })

    test('should detect an HTML page instead of the file and tell the user to import it', async () => {
      server.route('/drive', { body: A, script: [{ kind: 'html' }] })
      const item = testItem('drive', [{ name: 'a.tar.gz', body: A, urls: [server.url('/drive')] }], {
        manualSources: [{ url: 'https://example.org/folder', note: 'the authors folder' }],
      })
      const error = await rejection(downloadItem(item, { dataDir, retry: FAST_RETRY }))
      expect(error.code).toBe('DOWNLOAD_FAILED')
      expect(error.message).toContain(`the server sent an HTML page, not the file: ${server.url('/drive')} ("Google Drive - Virus scan warning")`)
      expect(error.message).toContain('download it in a browser and use `epsinas data import drive PATH`')
      expect(error.message).toContain('https://example.org/folder (the authors folder)')
      expect(readdirSync(folderOf('drive'))).toEqual(['manifest.json'])
      expect((await itemStatus(dataDir, item)).state).toBe('missing')
    })

    test('should refuse to start without the disk space it needs, and say how much', async () => {
      const item = testItem('big', [{ name: 'a.tar.gz', body: A, urls: [server.url('/a')] }], { conversion: { needed: true, into: 'tables', parser: 'nb201-nats' }, disk: { bytes: 500_000, note: 'file + tables' } })
      const error = await rejection(downloadItem(item, { dataDir, freeSpace: async () => 1000 }))
      expect(error.code).toBe('NO_SPACE')
      expect(error.message).toBe(
        `not enough disk space: big (200.0 kB to download + 300.0 kB for its conversion) needs 500.0 kB in ${folderOf('big')}, and 1.0 kB are free. ` +
          'Free some space, or keep the data on another disk with --data-dir DIR (or EPSINAS_HOME).',
      )
      expect(server.requests).toHaveLength(0)
    })

    test('should check the disk again when the server announces a larger file than estimated', async () => {
      const item = testItem('estimate', [{ name: 'a.tar.gz', body: A.subarray(0, 1000), urls: [server.url('/a')], exactSize: false, checksum: null }])
      const error = await rejection(downloadItem(item, { dataDir, freeSpace: async () => 50_000 }))
      expect(error.code).toBe('NO_SPACE')
      expect(error.message).toContain('a.tar.gz is 200.0 kB')
      expect(existsSync(itemPaths(dataDir, 'estimate').part('a.tar.gz'))).toBe(false)
    })

    test('should be partial after a cancel and finish on the next call', async () => {
      server.route('/slow', { body: A, script: [{ kind: 'pause', after: 80_000 }] })
      const item = testItem('slow', [{ name: 'a.tar.gz', body: A, urls: [server.url('/slow')] }])
      const abort = new AbortController()
      const error = await rejection(downloadItem(item, { dataDir, signal: abort.signal, onProgress: (p) => p.bytesDone >= 80_000 && abort.abort() }))
      expect(error.code).toBe('CANCELLED')
      const status = await itemStatus(dataDir, item)
      expect(status).toMatchObject({ state: 'partial', bytesPresent: 80_000 })
      expect((await downloadItem(item, { dataDir })).status.state).toBe('ready')
      expect(server.requests.map((r) => r.range)).toEqual([null, 'bytes=80000-'])
    })

    test('should be BUSY while another live process holds the item, and take over a stale lock', async () => {
      const item = twoFiles()
      const paths = itemPaths(dataDir, 'two')
      mkdirSync(paths.dir, { recursive: true })
      writeFileSync(paths.lock, JSON.stringify({ pid: process.pid, action: 'download', since: 'now', token: 'other' }))
      expect((await itemStatus(dataDir, item)).state).toBe('downloading')
      const error = await rejection(downloadItem(item, { dataDir }))
      expect(error.code).toBe('BUSY')
      expect(error.message).toContain(`process ${process.pid} is running 'download'`)
      // A pid far above any real one: the lock's process is gone.
      writeFileSync(paths.lock, JSON.stringify({ pid: 2 ** 30, action: 'download', since: 'then', token: 'dead' }))
      expect((await downloadItem(item, { dataDir, retry: FAST_RETRY })).status.state).toBe('ready')
      expect(existsSync(paths.lock)).toBe(false)
    })
  })

  describe('importItem', () => {
    test('should verify a local file and hard-link it into the data folder', async () => {
      const item = testItem('one', [{ name: 'a.tar.gz', body: A, urls: [server.url('/a')] }])
      const source = join(dataDir, 'my-download.bin')
      writeFileSync(source, A)
      const result = await importItem(item, source, { dataDir })
      expect(result.imported).toMatchObject([{ name: 'a.tar.gz', from: source, how: 'link' }])
      expect(result.status.state).toBe('ready')
      expect(statSync(join(folderOf('one'), 'a.tar.gz')).ino).toBe(statSync(source).ino)
      expect(server.requests).toHaveLength(0)
    })

    test('should find the files in a folder, copy them on request, and list what is missing', async () => {
      const item = twoFiles()
      const folder = join(dataDir, 'mine', 'nested')
      mkdirSync(folder, { recursive: true })
      writeFileSync(join(folder, 'b.tar.gz'), B)
      const result = await importItem(item, join(dataDir, 'mine'), { dataDir, mode: 'copy' })
      expect(result.imported).toMatchObject([{ name: 'b.tar.gz', from: join(folder, 'b.tar.gz'), how: 'copy' }])
      expect(result.missing).toEqual(['a.tar.gz'])
      expect(result.status.state).toBe('partial')
      expect(statSync(join(folderOf('two'), 'b.tar.gz')).ino).not.toBe(statSync(join(folder, 'b.tar.gz')).ino)
    })

    test('should import nothing when one file fails verification', async () => {
      const item = twoFiles()
      const folder = join(dataDir, 'mine')
      mkdirSync(folder)
      writeFileSync(join(folder, 'a.tar.gz'), A)
      writeFileSync(join(folder, 'b.tar.gz'), Buffer.concat([B.subarray(0, 1000), Buffer.alloc(B.length - 1000)]))
      const error = await rejection(importItem(item, folder, { dataDir }))
      expect(error.code).toBe('BAD_FILE')
      expect(error.message).toContain('nothing was imported into two')
      expect(error.message).toContain('b.tar.gz fails its checksum')
      expect(existsSync(join(folderOf('two'), 'a.tar.gz'))).toBe(false)
    })

    test('should recognise a saved HTML page', async () => {
      const item = testItem('one', [{ name: 'a.tar.gz', body: A, urls: [server.url('/a')] }])
      const source = join(dataDir, 'a.tar.gz')
      writeFileSync(source, '\n  <!doctype html><html><title>Sign in</title></html>')
      const error = await rejection(importItem(item, source, { dataDir }))
      expect(error.message).toContain('a.tar.gz is an HTML page ("Sign in"), not the file')
    })

    test('should name the expected files when a folder holds none of them', async () => {
      const error = await rejection(importItem(twoFiles(), dataDir, { dataDir }))
      expect(error.code).toBe('BAD_ARGUMENT')
      expect(error.message).toContain('holds none of the files of two (a.tar.gz, b.tar.gz)')
    })
  })

  describe('verifyItem', () => {
    test('should find a file changed after installation, and a new download should repair it', async () => {
      const item = twoFiles()
      await downloadItem(item, { dataDir, retry: FAST_RETRY })
      const path = join(folderOf('two'), 'b.tar.gz')
      const changed = Buffer.from(B)
      changed[100] ^= 0xff
      writeFileSync(path, changed)
      expect((await itemStatus(dataDir, item)).state).toBe('ready') // same size: only hashing can tell
      const result = await verifyItem(item, { dataDir })
      expect(result.checked.map((c) => c.ok)).toEqual([true, false])
      expect(result.checked[0].detail).toMatch(/^SHA-256 [0-9a-f]{64} \(from test\)$/)
      expect(result.status.state).toBe('corrupt')

      const repaired = await downloadItem(item, { dataDir, retry: FAST_RETRY })
      expect(repaired.fetched).toEqual(['b.tar.gz'])
      expect(readFileSync(path).equals(B)).toBe(true)
    })

    test('should compare with the recorded SHA-256 when no checksum is published', async () => {
      const item = testItem('nosum', [{ name: 'a.tar.gz', body: A, urls: [server.url('/a')], checksum: null }])
      await downloadItem(item, { dataDir })
      expect((await verifyItem(item, { dataDir })).checked[0]).toMatchObject({ ok: true, detail: 'NOT verified by a checksum (none is published); checked only: size and format (tar.gz)' })
      const changed = Buffer.from(A)
      changed[5000] ^= 1
      writeFileSync(join(folderOf('nosum'), 'a.tar.gz'), changed)
      const result = await verifyItem(item, { dataDir })
      expect(result.checked[0].ok).toBe(false)
      expect(result.checked[0].detail).toContain('changed since it was installed')
    })
  })

  describe('removeItem', () => {
    test('should delete the files, partial downloads and manifest', async () => {
      const item = twoFiles()
      await downloadItem(item, { dataDir, retry: FAST_RETRY })
      writeFileSync(itemPaths(dataDir, 'two').part('extra'), Buffer.alloc(10))
      const manifestSize = statSync(itemPaths(dataDir, 'two').manifest).size
      expect(await removeItem(item, { dataDir })).toEqual({ removed: true, bytesFreed: A.length + B.length + 10 + manifestSize })
      expect(existsSync(folderOf('two'))).toBe(false)
      expect((await itemStatus(dataDir, item)).state).toBe('missing')
      expect(await removeItem(item, { dataDir })).toEqual({ removed: false, bytesFreed: 0 })
    })
  })
})
