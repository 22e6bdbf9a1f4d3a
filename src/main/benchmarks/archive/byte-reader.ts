/** A read that met the end of the input part-way: `wanted` bytes asked for at `offset`, `got` available. */
export class UnexpectedEndError extends Error {
  constructor(
    readonly offset: number,
    readonly wanted: number,
    readonly got: number,
  ) {
    super(`unexpected end of data at byte ${offset}: needed ${wanted} bytes, only ${got} left`)
    this.name = 'UnexpectedEndError'
  }
}

/**
 * Pull-based exact reads over a stream of chunks, tracking the absolute position so parsers can
 * say where a file is broken. Holds at most one read's worth of data plus one chunk.
 */
export class ByteReader {
  private readonly iterator: AsyncIterator<Uint8Array>
  private chunks: Buffer[] = []
  private buffered = 0
  private ended = false
  /** Bytes consumed so far (the offset of the next byte read). */
  position = 0

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]()
  }

  /**
   * Exactly `n` bytes, or null when the input ended cleanly before this read started.
   * Throws UnexpectedEndError when it ends part-way.
   */
  async read(n: number): Promise<Buffer | null> {
    await this.fill(n)
    if (this.buffered === 0 && n > 0) return null
    if (this.buffered < n) throw new UnexpectedEndError(this.position, n, this.buffered)
    return this.take(n)
  }

  /** Exactly `n` bytes; the end of input anywhere inside them is an UnexpectedEndError. */
  async readExactly(n: number): Promise<Buffer> {
    const data = await this.read(n)
    if (data === null) throw new UnexpectedEndError(this.position, n, 0)
    return data
  }

  /** Discards exactly `n` bytes without keeping more than one chunk. */
  async skip(n: number): Promise<void> {
    let left = n
    while (left > 0) {
      if (this.buffered === 0) {
        await this.fill(1)
        if (this.buffered === 0) throw new UnexpectedEndError(this.position, left, 0)
      }
      const step = Math.min(left, this.buffered)
      this.take(step)
      left -= step
    }
  }

  /** True when no byte is left. */
  async atEnd(): Promise<boolean> {
    await this.fill(1)
    return this.buffered === 0
  }

  /** Stops the underlying source early (closes a file stream we no longer need). */
  async close(): Promise<void> {
    this.chunks = []
    this.buffered = 0
    if (!this.ended) {
      this.ended = true
      await this.iterator.return?.()
    }
  }

  private async fill(n: number): Promise<void> {
    while (this.buffered < n && !this.ended) {
      const next = await this.iterator.next()
      if (next.done) {
        this.ended = true
        break
      }
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength)
      if (chunk.length === 0) continue
      this.chunks.push(chunk)
      this.buffered += chunk.length
    }
  }

  private take(n: number): Buffer {
    this.position += n
    this.buffered -= n
    const first = this.chunks[0]
    if (first.length >= n) {
      // The common case for small reads: a view, no copy.
      const out = first.subarray(0, n)
      if (first.length === n) this.chunks.shift()
      else this.chunks[0] = first.subarray(n)
      return out
    }
    const out = Buffer.allocUnsafe(n)
    let done = 0
    while (done < n) {
      const chunk = this.chunks[0]
      const step = Math.min(n - done, chunk.length)
      chunk.copy(out, done, 0, step)
      done += step
      if (step === chunk.length) this.chunks.shift()
      else this.chunks[0] = chunk.subarray(step)
    }
    return out
  }
}
