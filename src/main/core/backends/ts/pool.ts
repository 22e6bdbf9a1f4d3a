import type { FloatArray } from './kernels.ts'
import { defaultWasmHeap, type WasmHeap } from '../wasm/heap.ts'

/** Storage precision of the typed-array engine's tensors. */
export type Precision = 'float32' | 'float64'

/** The buffer type behind each precision. */
export interface PrecisionArrays {
  float32: Float32Array
  float64: Float64Array
}

/** Options of a BufferPool. */
export interface BufferPoolOptions<P extends Precision> {
  /** Upper bound on idle buffers kept for reuse (default 256 MiB). */
  maxBytes?: number
  /**
   * Storage precision of every buffer the pool hands out. `float32` (the default) is the metric's
   * arithmetic (metric.md section 1, engine.md "Float fidelity"); `float64` exists only so tests can
   * show what a float64 implementation would get wrong. Never score with it.
   */
  precision?: P
  /**
   * Where float32 buffers live: in this WebAssembly heap, so the wasm kernels work on them in place
   * (the default: this thread's heap unless EPSINAS_KERNELS=ts), or null for plain Float32Arrays and
   * the TS kernels everywhere. Ignored for float64.
   */
  heap?: WasmHeap | null
}

/**
 * Recycles tensor buffers by length. Scoring runs the same network shapes thousands of times;
 * reusing buffers avoids allocating (and zero-filling) hundreds of megabytes per architecture.
 * Kernels overwrite every element of a buffer they take, so recycled contents never leak through.
 */
export class BufferPool<P extends Precision = 'float32'> {
  private readonly free = new Map<number, PrecisionArrays[P][]>()
  private heldBytes = 0
  private readonly maxBytes: number
  /** Storage precision of the buffers this pool hands out. */
  readonly precision: P
  /** The heap asked for: undefined = this thread's default, decided at first use (imports never throw). */
  private resolvedHeap: WasmHeap | null | undefined

  /** @param options upper bound on idle buffers kept for reuse (a number, as before), or options. */
  constructor(options: number | BufferPoolOptions<P> = {}) {
    const { maxBytes = 256 * 1024 * 1024, precision = 'float32' as P, heap } = typeof options === 'number' ? { maxBytes: options } : options
    this.maxBytes = maxBytes
    this.precision = precision
    this.resolvedHeap = precision === 'float64' ? null : heap
  }

  /** The WebAssembly heap the buffers live in (the interpreter then runs the wasm kernels), or null. */
  get heap(): WasmHeap | null {
    if (this.resolvedHeap === undefined) this.resolvedHeap = defaultWasmHeap()
    return this.resolvedHeap
  }

  /** A buffer of exactly `length` elements (recycled when possible). */
  take(length: number): PrecisionArrays[P] {
    const list = this.free.get(length)
    const buffer = list?.pop()
    if (buffer) {
      this.heldBytes -= buffer.byteLength
      return buffer
    }
    if (this.precision === 'float64') return new Float64Array(length) as PrecisionArrays[P]
    // A heap that cannot grow any further hands out plain arrays: the kernels then fall back to TS.
    const heap = this.heap
    const offset = heap?.alloc(length * 4) ?? null
    return (heap && offset !== null ? heap.f32(offset, length) : new Float32Array(length)) as PrecisionArrays[P]
  }

  /** Returns a buffer for reuse; dropped when the pool is full or the buffer is not of this pool's precision. */
  give(buffer: FloatArray): void {
    if (this.heldBytes + buffer.byteLength > this.maxBytes) {
      // Heap blocks are not garbage-collected: return them to the heap's allocator.
      const heap = this.heap
      const offset = heap?.offsetOf(buffer) ?? null
      if (heap && offset !== null) heap.free(offset, buffer.byteLength)
      return
    }
    if ((buffer instanceof Float64Array) !== (this.precision === 'float64')) return
    const typed = buffer as PrecisionArrays[P]
    const list = this.free.get(typed.length) ?? []
    list.push(typed)
    this.free.set(typed.length, list)
    this.heldBytes += typed.byteLength
  }
}
