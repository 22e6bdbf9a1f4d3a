import { SeededRandom } from '../../../../src/main/core/random.ts'
import type { FloatArray, Tensor } from '../../../../src/main/core/backends/ts/kernels.ts'
import { createWasmHeap, type WasmHeap } from '../../../../src/main/core/backends/wasm/heap.ts'
import { wasmKernels } from '../../../../src/main/core/backends/wasm/kernels.ts'

/** First index where two arrays differ in bits (NaN equals NaN, whatever its payload), or -1. */
export function firstBitDifference(a: FloatArray, b: FloatArray): number {
  if (a.length !== b.length) return 0
  const bitsA = new Uint32Array(Float32Array.from(a).buffer)
  const bitsB = new Uint32Array(Float32Array.from(b).buffer)
  for (let i = 0; i < a.length; i++) {
    if (bitsA[i] !== bitsB[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return i
  }
  return -1
}

/** Describes the first difference for an assertion message. */
export function describeDifference(a: FloatArray, b: FloatArray): string {
  const i = firstBitDifference(a, b)
  const show = (v: number): string => (Object.is(v, -0) ? '-0' : String(v))
  return i < 0 ? 'identical' : `index ${i}: ${show(a[i])} vs ${show(b[i])}`
}

/**
 * Which values a random tensor draws from: `finite` and `special` (plus inf and NaN) spread over
 * float32's range; `cancelling` mixes exact powers of two far apart (+-2^100, +-2^60) that cancel
 * one another with small values between them, so that the order of a sum decides its bits (a
 * reordered kernel fails on it where the other mixes may hide it: most sums of a few float32 values
 * are exact in float64).
 */
export type ValueMix = 'finite' | 'special' | 'cancelling'

const CANCELLING = [2 ** 100, 2 ** 60, 1, 3, 2 ** -60, 2 ** -140]

/**
 * Seeded float32 values that stress rounding: magnitudes over float32's whole range (subnormals
 * included), both zeros, values that cancel; with `special`, also inf, -inf and NaN.
 */
export function randomValues(length: number, seed: number, mix: ValueMix): Float32Array {
  const random = new SeededRandom(seed)
  const out = new Float32Array(length)
  const unit = (): number => random.nextUint32() / 2 ** 32
  for (let i = 0; i < length; i++) {
    if (mix === 'cancelling') {
      const magnitude = CANCELLING[random.nextUint32() % CANCELLING.length]
      out[i] = (random.nextUint32() % 2 === 0 ? 1 : -1) * (magnitude >= 2 ** 60 ? magnitude : magnitude * (1 + unit()))
      continue
    }
    const kind = random.nextUint32() % 16
    const sign = random.nextUint32() % 2 === 0 ? 1 : -1
    if (kind < 6) out[i] = sign * unit() * 4 // ordinary values, the bulk
    else if (kind < 8) out[i] = sign * unit() * 2 ** (Math.floor(unit() * 60) - 30) // wide exponents
    else if (kind < 9) out[i] = sign * unit() * 2 ** -126 // subnormals
    else if (kind < 10) out[i] = sign * 2 ** -149 * (1 + (random.nextUint32() % 8)) // the smallest subnormals
    else if (kind < 11) out[i] = sign * 0 // +0 and -0
    else if (kind < 12) out[i] = sign * unit() * 3e38 // near the top, sums overflow
    else if (kind < 14) out[i] = out[Math.max(0, i - 1)] * -1 // cancels its neighbour
    else if (mix === 'special') out[i] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN][random.nextUint32() % 3]
    else out[i] = sign * (1 + unit() * 2 ** -20) // values close together
  }
  return out
}

/**
 * A wasm heap with its kernels, and the allocators the kernel tests hand out: plain arrays for the TS
 * kernels, views of the heap for the wasm ones, and a tensor copied into the heap.
 */
export function kernelTestBed(): {
  heap: WasmHeap
  wasm: ReturnType<typeof wasmKernels>
  plain: (length: number) => Float32Array
  inHeap: (length: number) => Float32Array
  onHeap: (x: Tensor) => Tensor
} {
  const heap = createWasmHeap()
  if (!heap) throw new Error('this Node has no WebAssembly SIMD: the wasm kernels cannot run')
  const inHeap = (length: number): Float32Array => {
    const offset = heap.alloc(length * 4)
    if (offset === null) throw new Error('heap full')
    return heap.f32(offset, length)
  }
  const onHeap = (x: Tensor): Tensor => {
    const data = inHeap(x.data.length)
    data.set(x.data)
    return { shape: x.shape, data }
  }
  return { heap, wasm: wasmKernels(heap), plain: (length) => new Float32Array(length), inHeap, onHeap }
}
