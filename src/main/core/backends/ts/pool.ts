/**
 * Recycles Float32Array buffers by length. Scoring runs the same network shapes thousands of times;
 * reusing buffers avoids allocating (and zero-filling) hundreds of megabytes per architecture.
 * Kernels overwrite every element of a buffer they take, so recycled contents never leak through.
 */
export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>()
  private heldBytes = 0

  /** @param maxBytes upper bound on idle buffers kept for reuse. */
  constructor(private readonly maxBytes = 256 * 1024 * 1024) {}

  /** A buffer of exactly `length` floats (recycled when possible). */
  take(length: number): Float32Array {
    const list = this.free.get(length)
    const buffer = list?.pop()
    if (buffer) {
      this.heldBytes -= buffer.byteLength
      return buffer
    }
    return new Float32Array(length)
  }

  /** Returns a buffer for reuse; dropped when the pool is full. */
  give(buffer: Float32Array): void {
    if (this.heldBytes + buffer.byteLength > this.maxBytes) return
    const list = this.free.get(buffer.length) ?? []
    list.push(buffer)
    this.free.set(buffer.length, list)
    this.heldBytes += buffer.byteLength
  }
}
