import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { bunzip2, Bz2Error, extractArchive, readTar, safeEntryPath, TarFormatError } from '../../../src/main/benchmarks/archive/index.ts'
import { FIXTURES, useTempDir } from '../parsers/helpers.ts'
import { makeTar, paxRecord, type TarSpec } from '../tar-writer.ts'

const tmp = useTempDir('archive')

async function members(tar: Buffer, limits = {}): Promise<Array<{ name: string; type: string; data: string }>> {
  const out = []
  for await (const member of readTar(Readable.from([tar.subarray(0, 700), tar.subarray(700)]), limits)) {
    out.push({ name: member.name, type: member.type, data: member.type === 'file' ? (await member.read()).toString() : '' })
  }
  return out
}

describe('readTar', () => {
  test('reads files and folders, pax paths and GNU long names; unread data is skipped', async () => {
    const long = `${'d'.repeat(120)}/file.txt`
    const tar = makeTar([
      { name: 'dir/', type: '5' },
      { name: 'dir/a.txt', data: 'alpha' },
      { name: 'PaxHeader', type: 'x', data: paxRecord('path', 'pax/named.txt') },
      { name: 'short', data: 'from pax' },
      { name: '././@LongLink', type: 'L', data: `${long}\0` },
      { name: 'truncated-name', data: 'long' },
      { name: 'link', type: '2', linkName: '../../etc/passwd' },
    ])
    expect(await members(tar)).toEqual([
      { name: 'dir/', type: 'directory', data: '' },
      { name: 'dir/a.txt', type: 'file', data: 'alpha' },
      { name: 'pax/named.txt', type: 'file', data: 'from pax' },
      { name: long, type: 'file', data: 'long' },
      { name: 'link', type: 'symlink', data: '' },
    ])
  })

  test.each<[string, Buffer, object, RegExp]>([
    ['a missing end-of-archive marker', makeTar([{ name: 'a', data: 'x' }], { noEnd: true }), {}, /end-of-archive marker/],
    ['a cut inside a member', makeTar([{ name: 'a', data: 'x'.repeat(2000) }]).subarray(0, 1500), {}, /unexpected end of data/],
    ['a bad header checksum', (() => { const t = makeTar([{ name: 'a', data: 'x' }]); t[10] = 0x41; return t })(), {}, /checksum mismatch.*header at byte 0/],
    ['an entry over the size limit', makeTar([{ name: 'a', data: 'x'.repeat(100) }]), { maxEntryBytes: 99 }, /exceeds the 99-byte limit/],
    ['too many entries', makeTar([{ name: 'a' }, { name: 'b' }]), { maxEntries: 1 }, /more than 1 entries/],
    ['too many bytes in all', makeTar([{ name: 'a', data: 'xx' }, { name: 'b', data: 'xx' }]), { maxTotalBytes: 3 }, /3-byte total limit/],
  ])('refuses %s', async (_name, tar, limits, pattern) => {
    await expect(members(tar, limits)).rejects.toThrow(pattern)
  })
})

describe('safeEntryPath', () => {
  test.each([
    ['a/./b/', 'a/b'],
    ['../x', null],
    ['a/../../x', null],
    ['/etc/passwd', null],
    ['C:/x', null],
    ['a\\..\\x', null],
    ['a\u0000b', null],
    ['./', null],
  ])('%j -> %j', (name, expected) => {
    expect(safeEntryPath(name)).toBe(expected)
  })
})

describe('extractArchive', () => {
  test('extracts a tar.gz into a new folder', async () => {
    const archive = join(tmp(), 'ok.tar.gz')
    writeFileSync(archive, gzipSync(makeTar([{ name: 'top/', type: '5' }, { name: 'top/x.bin', data: 'X' }, { name: 'top/sub/y.bin', data: 'YY' }])))
    const destination = join(tmp(), 'ok')
    expect(await extractArchive(archive, destination)).toEqual({ files: 2, bytes: 3 })
    expect(readFileSync(join(destination, 'top', 'sub', 'y.bin'), 'utf8')).toBe('YY')
  })

  const unsafe: Array<[string, TarSpec[], RegExp]> = [
    ['a name climbing out with ..', [{ name: '../escaped.txt', data: 'x' }], /unsafe name/],
    ['an absolute name', [{ name: '/tmp/escaped.txt', data: 'x' }], /unsafe name/],
    ['a symlink (even a harmless-looking one)', [{ name: 'l', type: '2', linkName: 'inside' }], /links are not extracted/],
    ['a symlink out, then a file through it', [{ name: 'l', type: '2', linkName: '/tmp' }, { name: 'l/escaped.txt', data: 'x' }], /links are not extracted/],
    ['a hard link', [{ name: 'h', type: '1', linkName: '/etc/passwd' }], /links are not extracted/],
    ['a device', [{ name: 'dev', type: '3' }], /not a regular file or folder/],
    ['the same name twice', [{ name: 'a', data: '1' }, { name: 'a', data: '2' }], /duplicate name/],
  ]
  test.each(unsafe)('refuses %s and leaves nothing behind', async (_name, entries, pattern) => {
    const parent = mkdtempSync(join(tmpdir(), 'epsinas-extract-'))
    const archive = join(parent, 'bad.tar')
    writeFileSync(archive, makeTar([{ name: 'fine.txt', data: 'ok' }, ...entries]))
    await expect(extractArchive(archive, join(parent, 'out'))).rejects.toThrow(pattern)
    expect(readdirSync(parent)).toEqual(['bad.tar'])
    expect(existsSync(join(parent, '..', 'escaped.txt'))).toBe(false)
  })

  test('refuses a zip entry climbing out', async () => {
    const destination = join(tmp(), 'zip-out')
    await expect(extractArchive(join(FIXTURES, 'nbnlp', 'traversal.zip'), destination)).rejects.toThrow(/invalid relative path|central directory/)
    expect(existsSync(destination)).toBe(false)
  })

  test('extracts a zip and refuses an existing destination', async () => {
    const destination = join(tmp(), 'logs')
    expect((await extractArchive(join(FIXTURES, 'nbnlp', 'logs.zip'), destination)).files).toBe(6)
    await expect(extractArchive(join(FIXTURES, 'nbnlp', 'logs.zip'), destination)).rejects.toThrow(/already exists/)
  })
})

describe('bunzip2', () => {
  const good = readFileSync(join(FIXTURES, 'nats', 'synthetic', '000007.pickle.pbz2'))
  test('stops at the output limit (a bzip2 bomb cannot fill memory)', () => {
    expect(() => bunzip2(good, 100)).toThrow(/expands past the 100-byte limit/)
  })
  test('reports truncated and corrupt data', () => {
    expect(() => bunzip2(good.subarray(0, good.length - 20), 1 << 20)).toThrow(Bz2Error)
    const bad = Buffer.from(good)
    bad[200] ^= 0xff
    expect(() => bunzip2(bad, 1 << 20)).toThrow(/corrupt bzip2 data|truncated/)
    expect(() => bunzip2(Buffer.from('PK\u0003\u0004 not bzip2'), 1 << 20)).toThrow(/BZh/)
  })
})

test('TarFormatError carries the header offset', () => {
  expect(new TarFormatError(1024, 'x').message).toBe('x (tar header at byte 1024)')
})
