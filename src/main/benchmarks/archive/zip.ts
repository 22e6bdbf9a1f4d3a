import { crc32 } from 'node:zlib'
import yauzl, { type Entry, type ZipFile } from 'yauzl'
import { archiveLimits, type ArchiveLimits } from './limits.ts'

/** One member of a zip archive; its data is read on demand, once. */
export interface ZipMember {
  name: string
  /** 'symlink' members are reported, never followed. */
  type: 'file' | 'directory' | 'symlink'
  size: number
  /** Position in the central directory (0-based), for error messages. */
  index: number
  read(): Promise<Buffer>
}

/** A zip archive that cannot be read, or breaks a limit. */
export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ZipFormatError'
  }
}

const S_IFMT = 0o170000
const S_IFLNK = 0o120000

/**
 * Lists the members of the zip archive at `path` (random access through its central directory,
 * so only the member being read is held in memory). Names that are absolute or contain `..`
 * are refused by yauzl; sizes are checked against `limits` before inflating and against the
 * declared size while inflating (zip bombs); each member's CRC-32 is checked after reading,
 * which yauzl itself does not do.
 */
export async function* readZip(path: string, limits: Partial<ArchiveLimits> = {}): AsyncGenerator<ZipMember> {
  const bounds = archiveLimits(limits)
  let zip: ZipFile
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true })
  } catch (error) {
    throw new ZipFormatError(`not a readable zip archive: ${message(error)}`)
  }
  try {
    if (zip.entryCount > bounds.maxEntries) throw new ZipFormatError(`${zip.entryCount} entries exceed the limit of ${bounds.maxEntries}`)
    let total = 0
    for (let index = 0; ; index++) {
      const entry = await nextEntry(zip, index)
      if (entry === null) return
      const type = memberType(entry)
      const size = type === 'file' ? entry.uncompressedSize : 0
      if (size > bounds.maxEntryBytes) throw new ZipFormatError(`entry ${index} (${entry.fileName}) of ${size} bytes exceeds the ${bounds.maxEntryBytes}-byte limit`)
      total += size
      if (total > bounds.maxTotalBytes) throw new ZipFormatError(`entries exceed the ${bounds.maxTotalBytes}-byte total limit at entry ${index}`)
      let consumed = false
      yield {
        name: entry.fileName,
        type,
        size,
        index,
        read: async () => {
          if (consumed) throw new Error(`zip member ${entry.fileName} was already read`)
          consumed = true
          return await readMember(zip, entry, index)
        },
      }
    }
  } finally {
    zip.close()
  }
}

function memberType(entry: Entry): ZipMember['type'] {
  if (entry.fileName.endsWith('/')) return 'directory'
  // Unix permissions live in the high half of the external attributes when made on Unix.
  const madeOnUnix = entry.versionMadeBy >> 8 === 3
  if (madeOnUnix && ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) return 'symlink'
  return 'file'
}

function nextEntry(zip: ZipFile, index: number): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      zip.off('entry', onEntry)
      zip.off('end', onEnd)
      zip.off('error', onError)
    }
    const onEntry = (entry: Entry): void => {
      cleanup()
      resolve(entry)
    }
    const onEnd = (): void => {
      cleanup()
      resolve(null)
    }
    const onError = (error: unknown): void => {
      cleanup()
      reject(new ZipFormatError(`bad central directory entry ${index}: ${message(error)}`))
    }
    zip.on('entry', onEntry)
    zip.on('end', onEnd)
    zip.on('error', onError)
    zip.readEntry()
  })
}

async function readMember(zip: ZipFile, entry: Entry, index: number): Promise<Buffer> {
  const where = `entry ${index} (${entry.fileName})`
  try {
    const stream = await zip.openReadStreamPromise(entry)
    const chunks: Buffer[] = []
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    const data = Buffer.concat(chunks)
    if (crc32(data) >>> 0 !== entry.crc32 >>> 0) throw new ZipFormatError(`${where}: CRC-32 mismatch; the archive is corrupt`)
    return data
  } catch (error) {
    if (error instanceof ZipFormatError) throw error
    throw new ZipFormatError(`${where}: ${message(error)}`)
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
