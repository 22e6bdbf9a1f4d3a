import { EpsinasError } from '../../../../shared/errors.ts'
import { KERNELS_WASM_BASE64 } from './kernels.generated.ts'

/**
 * The WebAssembly kernels' memory and the allocator over it. Tensors the wasm kernels touch live IN
 * this memory (Float32Array views handed out by the interpreter's BufferPool), so a kernel call
 * copies nothing. The memory is declared shared only so that growing it never detaches the views
 * already handed out (a non-shared memory's ArrayBuffer is detached by grow); every thread has its
 * own instance, nothing is shared across threads.
 */

/** The exports of kernels.wat; addresses are byte offsets into the heap's memory. */
export interface KernelExports {
  relu(src: number, dst: number, n: number): void
  zero(src: number, dst: number, n: number): void
  add(a: number, b: number, dst: number, n: number): void
  /** Returns `sum` plus, when withSum is 1, every value stored (float64, in order): BatchNorm's in-order sum. */
  scale(src: number, dst: number, n: number, scale: number, sum: number, withSum: number): number
  sum(start: number, src: number, n: number): number
  exponentRange(src: number, n: number): number
  sumExact(start: number, src: number, n: number): number
  squares(start: number, src: number, n: number, mean: number): number
  maxpool3x3(src: number, dst: number, planes: number, h: number, w: number, rows: number): void
  maxpool(src: number, dst: number, planes: number, inH: number, inW: number, outH: number, outW: number, kernel: number, stride: number, pad: number): void
  planeMeans(src: number, dst: number, planes: number, plane: number): void
  normalize(src: number, dst: number, n: number, mean: number, scale: number): void
  /** Returns the in-order float64 sum of every value stored (BatchNorm's sum of a one-channel output). */
  conv(src: number, dst: number, n: number, c: number, inH: number, inW: number, outH: number, outW: number, kernel: number, stride: number, pad: number, scales: number, dstStride: number, acc: number, rows: number): number
  rowSums(src: number, n: number, f: number, scales: number, dst: number): void
  avgpool(src: number, dst: number, planes: number, inH: number, inW: number, outH: number, outW: number, kernel: number, stride: number, pad: number, divisors: number, acc: number, rows: number): void
}

/** The part of the WebAssembly JS API used here (this project's TS lib settings carry no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBufferLike
  grow(pages: number): number
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => CompiledKernels
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory
  Instance: new (module: CompiledKernels, imports: { env: { memory: WasmMemory } }) => { exports: unknown }
}
/** A compiled kernels.wat (WebAssembly.Module). */
type CompiledKernels = { readonly __compiledKernels?: never }
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

const PAGE = 65536
/** 2 GiB: a shared memory reserves its maximum up front (address space, not RAM). */
const MAX_PAGES = 32768
/** v128 loads and stores are fastest aligned; every block starts on 16 bytes. */
const ALIGN = 16

interface Range {
  start: number
  end: number
}

export class WasmHeap {
  readonly kernels: KernelExports
  private readonly memory: WasmMemory
  /** Every ArrayBuffer this memory has shown: views into older (shorter) ones stay valid after growth. */
  private readonly buffers = new WeakSet<ArrayBufferLike>()
  private buffer: ArrayBufferLike
  /** End of the highest block in use; free blocks below it, sorted by start and coalesced. */
  private top = ALIGN
  private readonly freeRanges: Range[] = []

  constructor(module: CompiledKernels) {
    this.memory = new wasm.Memory({ initial: 1, maximum: MAX_PAGES, shared: true })
    this.kernels = new wasm.Instance(module, { env: { memory: this.memory } }).exports as unknown as KernelExports
    this.buffer = this.memory.buffer
    this.buffers.add(this.buffer)
  }

  /** Byte offset of a block of at least `bytes` bytes, or null when the memory cannot grow that far. */
  alloc(bytes: number): number | null {
    const size = roundUp(Math.max(bytes, 1))
    const index = this.freeRanges.findIndex((r) => r.end - r.start >= size)
    if (index >= 0) {
      const range = this.freeRanges[index]
      const start = range.start
      range.start += size
      if (range.start === range.end) this.freeRanges.splice(index, 1)
      return start
    }
    const start = this.top
    const end = start + size
    const have = this.buffer.byteLength
    if (end > have) {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE))
      } catch {
        return null
      }
      this.buffer = this.memory.buffer
      this.buffers.add(this.buffer)
    }
    this.top = end
    return start
  }

  /** Returns the block at `offset` of `bytes` bytes (as passed to alloc). */
  free(offset: number, bytes: number): void {
    const range = { start: offset, end: offset + roundUp(Math.max(bytes, 1)) }
    let at = 0
    while (at < this.freeRanges.length && this.freeRanges[at].start < range.start) at++
    this.freeRanges.splice(at, 0, range)
    // Coalesce with the neighbours, then give a free block at the top back to the bump pointer.
    const next = this.freeRanges[at + 1]
    if (next && next.start === range.end) {
      range.end = next.end
      this.freeRanges.splice(at + 1, 1)
    }
    const previous = this.freeRanges[at - 1]
    if (previous && previous.end === range.start) {
      previous.end = range.end
      this.freeRanges.splice(at, 1)
    }
    const last = this.freeRanges[this.freeRanges.length - 1]
    if (last && last.end === this.top) {
      this.top = last.start
      this.freeRanges.pop()
    }
  }

  /** A float32 view of `length` elements at byte `offset`. */
  f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.buffer, offset, length)
  }

  /** A float64 view of `length` elements at byte `offset`. */
  f64(offset: number, length: number): Float64Array {
    return new Float64Array(this.buffer, offset, length)
  }

  /** Byte offset of a float32 array that lives in this heap, null for any other array. */
  offsetOf(data: Float32Array | Float64Array): number | null {
    return data instanceof Float32Array && this.buffers.has(data.buffer) ? data.byteOffset : null
  }

  /** Bytes between the heap's start and its highest block in use (tests: everything given back). */
  get usedBytes(): number {
    return this.top - ALIGN - this.freeRanges.reduce((sum, r) => sum + r.end - r.start, 0)
  }
}

function roundUp(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN
}

/** Which kernels the collapsed engine runs: 'wasm' (default) or 'ts', the reference. */
export type KernelChoice = 'wasm' | 'ts'

/**
 * The one switch: EPSINAS_KERNELS=ts runs every op on the TypeScript reference kernels, 'wasm' (the
 * default) routes the ops kernels.wat implements through them. Both give the same bits.
 */
export function kernelChoice(env: NodeJS.ProcessEnv = process.env): KernelChoice {
  const value = env.EPSINAS_KERNELS ?? 'wasm'
  if (value !== 'wasm' && value !== 'ts') throw new EpsinasError('BAD_ARGUMENT', `EPSINAS_KERNELS must be wasm or ts, not ${JSON.stringify(value)}`)
  return value
}

/** What runs the collapsed engine's ops, for the backend line of `score` and the Settings page. */
export function collapsedKernelsDescription(env: NodeJS.ProcessEnv = process.env): string {
  return kernelChoice(env) === 'wasm'
    ? 'the collapsed engine runs on WebAssembly SIMD kernels, bit-identical to the TypeScript ones, which EPSINAS_KERNELS=ts runs'
    : 'the collapsed engine runs on the TypeScript reference kernels, as EPSINAS_KERNELS=ts asks'
}

let compiled: CompiledKernels | null | undefined

/**
 * A fresh heap with its own kernel instance, or null where this runtime lacks WebAssembly SIMD or
 * shared memories (then the TS kernels run; same bits, slower).
 */
export function createWasmHeap(): WasmHeap | null {
  if (compiled === undefined) {
    try {
      compiled = new wasm.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'))
    } catch {
      compiled = null
    }
  }
  if (compiled === null) return null
  try {
    return new WasmHeap(compiled)
  } catch {
    return null
  }
}

let shared: WasmHeap | null | undefined

/** This thread's heap when the switch says wasm (and the runtime can), else null. */
export function defaultWasmHeap(): WasmHeap | null {
  if (kernelChoice() === 'ts') return null
  if (shared === undefined) shared = createWasmHeap()
  return shared
}
