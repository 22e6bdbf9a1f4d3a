import { ByteReader } from './byte-reader.ts'
import { archiveLimits, type ArchiveLimits } from './limits.ts'

/** Kinds of tar entries; everything that is not a file or a folder is reported, never followed. */
export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other'

/** One member of a tar archive. */
export interface TarEntry {
  /** Name as stored (after pax / GNU long-name records), not yet checked for safety. */
  name: string
  type: TarEntryType
  /** Data size in bytes (0 for folders and links). */
  size: number
  /** Link target for symlinks and hard links. */
  linkName: string
  /** Byte offset of the entry's header in the (uncompressed) tar stream. */
  offset: number
}

/** A tar entry whose data can be read once, whole or in chunks; unread data is skipped. */
export interface TarMember extends TarEntry {
  read(): Promise<Buffer>
  /** The data in pieces of at most `size` bytes, for members too large to hold at once. */
  chunks(size?: number): AsyncGenerator<Buffer>
}

/** A tar stream that does not follow the format, with the byte offset where it goes wrong. */
export class TarFormatError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(`${message} (tar header at byte ${offset})`)
    this.name = 'TarFormatError'
  }
}

const BLOCK = 512

/**
 * Streams the members of a tar archive (ustar, GNU and pax variants) from `source`, holding one
 * member at most in memory and only when asked to read it. The end-of-archive marker is
 * required, so a download cut at a member boundary is reported rather than taken as complete.
 * Limits are checked against header sizes before any data is read.
 */
export async function* readTar(source: AsyncIterable<Uint8Array>, limits: Partial<ArchiveLimits> = {}): AsyncGenerator<TarMember> {
  const bounds = archiveLimits(limits)
  const reader = new ByteReader(source)
  let entries = 0
  let total = 0
  // Overrides carried from a pax 'x' or GNU 'L'/'K' record to the next real header.
  let pending: { path?: string; linkpath?: string; size?: number } = {}
  try {
    for (;;) {
      const offset = reader.position
      const header = await reader.read(BLOCK)
      if (header === null) throw new TarFormatError(offset, 'the archive ends without its end-of-archive marker; it is probably truncated')
      if (header.length < BLOCK) throw new TarFormatError(offset, 'truncated header')
      if (isZeroBlock(header)) return
      if (++entries > bounds.maxEntries) throw new TarFormatError(offset, `more than ${bounds.maxEntries} entries`)
      checkChecksum(header, offset)
      const flag = String.fromCharCode(header[156] || 0x30)
      const headerSize = parseNumber(header, 124, 12, offset, 'size')
      if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
        if (headerSize > 1024 * 1024) throw new TarFormatError(offset, `extended header of ${headerSize} bytes is implausibly large`)
        const body = (await reader.readExactly(padBlocks(headerSize))).subarray(0, headerSize)
        if (flag === 'x') pending = { ...pending, ...parsePax(body, offset) }
        // Global records (git archive writes its commit id there) are checked but name no entry.
        else if (flag === 'g') parsePax(body, offset)
        else if (flag === 'L') pending.path = cString(body, 0, body.length)
        else pending.linkpath = cString(body, 0, body.length)
        continue
      }
      const type = entryType(flag)
      const size = pending.size ?? headerSize
      const padded = padBlocks(size)
      const dataSize = type === 'file' || type === 'other' ? size : 0
      if (dataSize > bounds.maxEntryBytes) throw new TarFormatError(offset, `entry of ${dataSize} bytes exceeds the ${bounds.maxEntryBytes}-byte limit`)
      total += dataSize
      if (total > bounds.maxTotalBytes) throw new TarFormatError(offset, `entries exceed the ${bounds.maxTotalBytes}-byte total limit`)
      const entry: TarEntry = {
        name: pending.path ?? headerName(header),
        type,
        size: dataSize,
        linkName: pending.linkpath ?? cString(header, 157, 100),
        offset,
      }
      pending = {}
      let consumed = false
      const dataStart = reader.position
      const claim = (): void => {
        if (consumed) throw new Error(`tar member ${entry.name} was already read`)
        consumed = true
      }
      const member: TarMember = {
        ...entry,
        read: async () => {
          claim()
          const data = await reader.readExactly(dataSize)
          await reader.skip(padded - dataSize)
          return data
        },
        chunks: async function* (size = 1024 * 1024) {
          claim()
          for (let left = dataSize; left > 0; left -= Math.min(size, left)) yield await reader.readExactly(Math.min(size, left))
          await reader.skip(padded - dataSize)
        },
      }
      yield member
      // Skip whatever the consumer left unread, even when it stopped part-way through chunks().
      consumed = true
      const end = dataStart + padded
      if (reader.position < end) await reader.skip(end - reader.position)
    }
  } finally {
    await reader.close()
  }
}

function padBlocks(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK
}

function entryType(flag: string): TarEntryType {
  switch (flag) {
    case '0':
    case '7': // contiguous file: a regular file to every reader but a few old systems
      return 'file'
    case '5':
      return 'directory'
    case '2':
      return 'symlink'
    case '1':
      return 'hardlink'
    default:
      return 'other'
  }
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false
  return true
}

/** Unsigned header sum with the checksum field read as spaces; some old writers used signed bytes. */
function checkChecksum(header: Buffer, offset: number): void {
  const stored = parseNumber(header, 148, 8, offset, 'checksum')
  let unsigned = 0
  let signed = 0
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : header[i]
    unsigned += byte
    signed += byte > 127 ? byte - 256 : byte
  }
  if (stored !== unsigned && stored !== signed) {
    throw new TarFormatError(offset, `header checksum mismatch (stored ${stored}, computed ${unsigned}); not a tar archive or corrupt`)
  }
}

/** Octal field (NUL/space padded), or GNU base-256 when the high bit of the first byte is set. */
function parseNumber(header: Buffer, start: number, length: number, offset: number, field: string): number {
  if (header[start] & 0x80) {
    let value = header[start] & 0x7f
    for (let i = 1; i < length; i++) value = value * 256 + header[start + i]
    if (!Number.isSafeInteger(value)) throw new TarFormatError(offset, `${field} field out of range`)
    return value
  }
  const text = header.toString('latin1', start, start + length).replace(/[\0 ]+$/, '').replace(/^ +/, '')
  if (text === '') return 0
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(offset, `${field} field ${JSON.stringify(text)} is not octal`)
  return parseInt(text, 8)
}

function cString(buffer: Buffer, start: number, length: number): string {
  const end = buffer.indexOf(0, start)
  return buffer.toString('utf8', start, end === -1 || end > start + length ? start + length : end)
}

/** ustar splits long names into prefix (345..500) + '/' + name; GNU headers use that space otherwise. */
function headerName(header: Buffer): string {
  const name = cString(header, 0, 100)
  const magic = header.toString('latin1', 257, 263)
  if (magic === 'ustar\0') {
    const prefix = cString(header, 345, 155)
    if (prefix !== '') return `${prefix}/${name}`
  }
  return name
}

/** pax records: "<length> <key>=<value>\n", length counting the whole record. */
function parsePax(body: Buffer, offset: number): { path?: string; linkpath?: string; size?: number } {
  const out: { path?: string; linkpath?: string; size?: number } = {}
  let at = 0
  while (at < body.length) {
    const space = body.indexOf(0x20, at)
    if (space === -1) break
    const length = Number(body.toString('latin1', at, space))
    if (!Number.isInteger(length) || length <= 0 || at + length > body.length) {
      throw new TarFormatError(offset, 'malformed pax extended header')
    }
    const record = body.toString('utf8', space + 1, at + length - 1)
    const eq = record.indexOf('=')
    const key = record.slice(0, eq)
    const value = record.slice(eq + 1)
    if (key === 'path') out.path = value
    else if (key === 'linkpath') out.linkpath = value
    else if (key === 'size') {
      if (!/^\d+$/.test(value)) throw new TarFormatError(offset, `pax size ${JSON.stringify(value)} is not a number`)
      out.size = Number(value)
    }
    at += length
  }
  return out
}
