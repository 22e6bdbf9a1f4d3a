import Bunzip from 'seek-bzip'

/** A bzip2 stream that cannot be decoded, or that decodes to more than allowed. */
export class Bz2Error extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'Bz2Error'
  }
}

/**
 * Decompresses a whole bzip2 stream (all its concatenated streams) held in memory, refusing to
 * produce more than `maxBytes`: a few hundred bytes of bzip2 can expand to gigabytes.
 * Block and stream CRCs are checked by the decoder.
 */
export function bunzip2(input: Uint8Array, maxBytes: number): Buffer {
  if (input.length < 4 || input[0] !== 0x42 || input[1] !== 0x5a || input[2] !== 0x68) {
    throw new Bz2Error('not bzip2 data (missing the "BZh" signature)')
  }
  let readAt = 0
  const source = {
    // The decoder treats a missing byte as zero bits, so the end of input must be an error here.
    readByte(): number {
      if (readAt >= input.length) throw new Bz2Error(`bzip2 data ends early (after ${input.length} bytes); truncated`)
      return input[readAt++]
    },
    // Used for the 4-byte stream header only; returns how many bytes it copied, -1 at the end.
    read(buffer: Uint8Array, offset: number, length: number): number {
      if (readAt >= input.length) return -1
      const n = Math.min(length, input.length - readAt)
      buffer.set(input.subarray(readAt, readAt + n), offset)
      readAt += n
      return n
    },
    eof: () => readAt >= input.length,
    seek(position: number): void {
      readAt = position
    },
  }
  const sink = new GrowingBuffer(maxBytes, Math.min(maxBytes, Math.max(64 * 1024, input.length * 4)))
  try {
    Bunzip.decode(source, sink, true)
  } catch (error) {
    if (error instanceof Bz2Error) throw error
    throw new Bz2Error(`corrupt bzip2 data: ${error instanceof Error ? error.message : String(error)}`)
  }
  return sink.result()
}

/** Byte sink for the decoder: doubles its buffer as needed, never past `limit`. */
class GrowingBuffer {
  private buffer: Buffer
  private length = 0

  constructor(
    private readonly limit: number,
    initial: number,
  ) {
    this.buffer = Buffer.allocUnsafe(Math.max(1, initial))
  }

  writeByte(byte: number): void {
    if (this.length === this.buffer.length) this.grow()
    this.buffer[this.length++] = byte
  }

  result(): Buffer {
    return this.buffer.subarray(0, this.length)
  }

  private grow(): void {
    if (this.length >= this.limit) throw new Bz2Error(`bzip2 data expands past the ${this.limit}-byte limit`)
    const next = Buffer.allocUnsafe(Math.min(this.limit, this.buffer.length * 2))
    this.buffer.copy(next, 0, 0, this.length)
    this.buffer = next
  }
}
