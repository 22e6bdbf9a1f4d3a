import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { CatalogueFile, Checksum, FileFormat } from '../../../src/main/benchmarks/catalogue.ts'
import { verifyFile } from '../../../src/main/benchmarks/install/index.ts'
import { digest, tempDir } from './fixtures.ts'

function entry(name: string, body: Buffer, checksum: Checksum | null, format: FileFormat = 'text', extra: Partial<CatalogueFile> = {}): CatalogueFile {
  return { name, urls: [{ url: 'https://example.org/x', kind: 'official' }], size: { bytes: body.length, exact: true, source: 'test' }, checksum, format, ...extra }
}
const sum = (algorithm: Checksum['algorithm'], value: string, of?: 'sha256' | 'md5'): Checksum => ({ algorithm, value, of, source: 'test', verified: true })

describe('verifyFile', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())
  const put = (name: string, body: Buffer): string => {
    const path = join(dir, name)
    writeFileSync(path, body)
    return path
  }
  const TEXT = Buffer.from('no it was n\'t black monday\n'.repeat(500))

  describe('should accept', () => {
    test('a matching MD5 and SHA-256', async () => {
      const path = put('a.txt', TEXT)
      expect(await verifyFile(path, entry('a.txt', TEXT, sum('md5', digest('md5', TEXT))))).toMatchObject({ ok: true, size: TEXT.length, sha256: digest('sha256', TEXT), checkedBy: 'MD5 ' + digest('md5', TEXT) + ' (from test)' })
      expect((await verifyFile(path, entry('a.txt', TEXT, sum('sha256', digest('sha256', TEXT))))).ok).toBe(true)
    })

    test('a published prefix of the SHA-256 (NNI style) or MD5', async () => {
      const path = put('b.txt', TEXT)
      expect((await verifyFile(path, entry('b.txt', TEXT, sum('hash-prefix', digest('sha256', TEXT).slice(0, 8), 'sha256')))).ok).toBe(true)
      expect((await verifyFile(path, entry('b.txt', TEXT, sum('hash-prefix', digest('md5', TEXT).slice(0, 6), 'md5')))).ok).toBe(true)
      expect(await verifyFile(path, entry('b.txt', TEXT, sum('hash-prefix', 'ffffffff', 'sha256')))).toMatchObject({ ok: false, problem: 'checksum' })
    })

    test('a git blob id, as `git hash-object` computes it', async () => {
      const path = put('c.txt', TEXT)
      const blob = execFileSync('git', ['hash-object', path], { encoding: 'utf8' }).trim()
      expect((await verifyFile(path, entry('c.txt', TEXT, sum('git-blob-sha1', blob)))).ok).toBe(true)
    })

    test('an accepted variant (the split file with a trailing newline)', async () => {
      const original = Buffer.from('{"train": ["int", ["0", "1"]]}')
      const withNewline = Buffer.concat([original, Buffer.from('\n')])
      const file = entry('split.txt', original, sum('sha256', digest('sha256', original)), 'json', {
        alsoAccepted: [{ size: withNewline.length, checksum: sum('sha256', digest('sha256', withNewline)), note: 'newline' }],
      })
      expect((await verifyFile(put('split.txt', withNewline), file)).ok).toBe(true)
      expect((await verifyFile(put('split2.txt', Buffer.concat([original, Buffer.from(' ')])), file)).ok).toBe(false)
    })

    test('any size when the size is an estimate and no checksum is published', async () => {
      const path = put('d.json', Buffer.from('{"cifar10": {}}'))
      const result = await verifyFile(path, entry('d.json', Buffer.alloc(999), null, 'json', { size: { bytes: 999, exact: false, source: 'guess' } }))
      expect(result).toMatchObject({ ok: true, checkedBy: 'NOT verified by a checksum (none is published); checked only: size (estimate only) and format (json)' })
    })
  })

  describe('should check the format of', () => {
    const tfrecord = (): Buffer => {
      const payload = Buffer.from('["28cfc7874f6d200472e1a9dcd8650aa0", 108, "0010", "input,output", "AAAA"]')
      const header = Buffer.alloc(12)
      header.writeBigUInt64LE(BigInt(payload.length))
      return Buffer.concat([header, payload, Buffer.alloc(4)])
    }
    const tar = (): Buffer => {
      const block = Buffer.alloc(1024)
      block.write('meta.pickle.pbz2', 0)
      block.write('ustar\u000000', 257, 'latin1')
      return block
    }
    test.each<[FileFormat, Buffer, Buffer]>([
      ['tfrecord', tfrecord(), Buffer.alloc(64, 1)],
      ['tar', tar(), Buffer.alloc(1024)],
      ['tar.gz', Buffer.from([0x1f, 0x8b, 0x08, 0, 0]), Buffer.from('BZh91AY')],
      ['zip', Buffer.from('PK\u0003\u0004rest', 'latin1'), Buffer.from('PK\u0001\u0002')],
      ['sqlite', Buffer.from('SQLite format 3\u0000' + 'x'.repeat(84), 'latin1'), Buffer.from('SQLite format 2\u0000')],
      ['json', Buffer.from('\n {"a": 1}'), Buffer.from('a,b\n1,2')],
      ['pickle', Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]), Buffer.from([0x80, 0x09])],
      ['text', TEXT, Buffer.from([0x41, 0x00, 0x42])],
    ])('%s files', async (format, good, bad) => {
      const noSum = (body: Buffer) => entry(`f.${format}`, body, null, format)
      expect((await verifyFile(put(`good.${format}`, good), noSum(good))).ok).toBe(true)
      expect(await verifyFile(put(`bad.${format}`, bad), noSum(bad))).toMatchObject({ ok: false, problem: 'format' })
    })
  })

  test('should report a missing file', async () => {
    expect(await verifyFile(join(dir, 'nope'), entry('nope', TEXT, null))).toMatchObject({ ok: false, problem: 'missing' })
  })
})
