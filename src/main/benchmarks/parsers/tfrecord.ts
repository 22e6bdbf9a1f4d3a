import { createReadStream } from 'node:fs'
import { ByteReader, UnexpectedEndError } from '../archive/byte-reader.ts'
import { maskedCrc32c } from './crc32c.ts'

/** One TFRecord payload and where it starts. */
export interface TfRecord {
  data: Buffer
  /** Byte offset of the record's length field. */
  offset: number
  /** 0-based record number. */
  index: number
}

/** A TFRecord file that breaks the framing, with the record and offset where it does. */
export class TfRecordError extends Error {
  constructor(
    readonly index: number,
    readonly offset: number,
    what: string,
  ) {
    super(`record ${index} at byte ${offset}: ${what}`)
    this.name = 'TfRecordError'
  }
}

/** Options of the TFRecord reader. */
export interface TfRecordOptions {
  /** Largest payload accepted; a corrupt length field must not make us allocate gigabytes. */
  maxRecordBytes?: number
  /** Called with the bytes consumed so far after every record. */
  onBytes?: (position: number) => void
}

/**
 * Streams the records of a TFRecord file: u64 LE length, masked CRC-32C of the length bytes,
 * payload, masked CRC-32C of the payload. Both CRCs are checked; a file ending inside a record is
 * an error. Holds one record at a time.
 */
export async function* readTfRecords(path: string, options: TfRecordOptions = {}): AsyncGenerator<TfRecord> {
  const maxRecordBytes = options.maxRecordBytes ?? 64 * 1024 * 1024
  const reader = new ByteReader(createReadStream(path, { highWaterMark: 1024 * 1024 }))
  try {
    for (let index = 0; ; index++) {
      const offset = reader.position
      const fail = (what: string): TfRecordError => new TfRecordError(index, offset, what)
      const header = await reader.read(12).catch(truncated(fail))
      if (header === null) return
      const lengthBytes = header.subarray(0, 8)
      if (maskedCrc32c(lengthBytes) !== header.readUInt32LE(8)) throw fail('length CRC mismatch (corrupt file, or not a TFRecord file)')
      const length = Number(lengthBytes.readBigUInt64LE(0))
      if (length > maxRecordBytes) throw fail(`record length ${length} exceeds the ${maxRecordBytes}-byte limit`)
      const body = await reader.readExactly(length + 4).catch(truncated(fail))
      const data = body.subarray(0, length)
      if (maskedCrc32c(data) !== body.readUInt32LE(length)) throw fail('data CRC mismatch (corrupt record)')
      yield { data, offset, index }
      options.onBytes?.(reader.position)
    }
  } finally {
    await reader.close()
  }
}

/** Maps the end of input inside a record to a TfRecordError naming it. */
function truncated(fail: (what: string) => TfRecordError): (error: unknown) => never {
  return (error) => {
    if (error instanceof UnexpectedEndError) throw fail(`the file ends inside this record (${error.message}); it is truncated`)
    throw error
  }
}

/** Frames `data` as one TFRecord (for writers of fixtures and benchmarks). */
export function frameTfRecord(data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(16 + data.length)
  out.writeBigUInt64LE(BigInt(data.length), 0)
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, 8)), 8)
  out.set(data, 12)
  out.writeUInt32LE(maskedCrc32c(data), 12 + data.length)
  return out
}
