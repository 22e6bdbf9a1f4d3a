import * as ts from '../ts/kernels.ts'
import * as recurrent from '../ts/recurrent.ts'
import type { Allocate, FloatArray, Tensor } from '../ts/kernels.ts'
import { windowCounts } from '../ts/window.ts'
import type { WasmHeap } from './heap.ts'

/**
 * The interpreter's hot kernels (conv2d, average and max pooling, BatchNorm, ReLU, add, zero, global
 * average pooling, NB-NLP's MultiLinear) on kernels.wat, with the TS kernels' signatures and bits. An
 * operand outside the heap (a float64 test pool, a heap that could not grow) runs the TS kernel
 * itself, writing into the buffer already taken.
 */
export interface KernelSet {
  conv2d: typeof ts.conv2d
  batchnorm: typeof ts.batchnorm
  relu: typeof ts.relu
  zero: typeof ts.zero
  add: typeof ts.add
  avgpool: typeof ts.avgpool
  globalavgpool: typeof ts.globalavgpool
  maxpool: typeof ts.maxpool
  multilinear: typeof recurrent.multilinear
}

/** The TS reference kernels as a KernelSet. */
export const TS_KERNELS: KernelSet = { conv2d: ts.conv2d, batchnorm: ts.batchnorm, relu: ts.relu, zero: ts.zero, add: ts.add, avgpool: ts.avgpool, globalavgpool: ts.globalavgpool, maxpool: ts.maxpool, multilinear: recurrent.multilinear }

const kernelSets = new WeakMap<WasmHeap, KernelSet>()

/** Kernels that run on `heap`'s WebAssembly instance (one set per heap). */
export function wasmKernels(heap: WasmHeap): KernelSet {
  let set = kernelSets.get(heap)
  if (!set) {
    set = createWasmKernels(heap)
    kernelSets.set(heap, set)
  }
  return set
}

function createWasmKernels(heap: WasmHeap): KernelSet {
  const k = heap.kernels
  const at = (data: FloatArray): number | null => heap.offsetOf(data)
  // The TS kernels take their one output buffer from `alloc`: hand them the one already taken.
  const into = (out: FloatArray): Allocate => () => out

  /** Runs `body` with f64 scratch blocks of the given lengths (byte offsets), freed afterwards. */
  function withScratch<T>(lengths: readonly number[], body: (offsets: number[]) => T): T | null {
    const offsets: number[] = []
    try {
      for (const length of lengths) {
        const offset = heap.alloc(length * 8)
        if (offset === null) return null
        offsets.push(offset)
      }
      return body(offsets)
    } finally {
      offsets.forEach((offset, i) => heap.free(offset, lengths[i] * 8))
    }
  }

  /**
   * lin(x) of recurrent.ts multilinear, rounded to float32 as it rounds it, per input tensor. A
   * recurrent cell feeds the same tensor (the step's input, the previous hidden state) to several
   * MultiLinears, each with the same scales: the sums are computed once per tensor and weight. The
   * key is the Tensor object, which the interpreter makes once per node and pass, so an entry can
   * never be served for another node or another pass's data (checked: weight and multiplicities).
   */
  const rowSumCache = new WeakMap<Tensor, { weight: number; multiplicity: readonly number[]; sums: Float32Array }>()
  function roundedRowSums(x: Tensor, multiplicity: readonly number[], weight: number): Float32Array {
    const known = rowSumCache.get(x)
    if (known && known.weight === weight && known.multiplicity === multiplicity) return known.sums
    const [n, f] = x.shape
    const sums = new Float32Array(n)
    const src = at(x.data)
    const done =
      src !== null &&
      withScratch([f, n], ([scales, dst]) => {
        const s = heap.f64(scales, f)
        for (let k = 0; k < f; k++) s[k] = weight * multiplicity[k]
        k.rowSums(src, n, f, scales, dst)
        sums.set(heap.f64(dst, n))
        return true
      })
    if (!done) {
      // Outside the heap: the TS kernel's loop (scale per feature: the same products and sums).
      for (let i = 0; i < n; i++) {
        let sum = 0
        for (let j = 0; j < f; j++) sum += weight * multiplicity[j] * x.data[i * f + j]
        sums[i] = sum
      }
    }
    rowSumCache.set(x, { weight, multiplicity, sums })
    return sums
  }

  return {
    multilinear(xs, multiplicities, weight, outFeatures, alloc) {
      // recurrent.ts multilinear: fround(fround(lin(x_0)) + w), then + fround(lin(x_t)) for each further input.
      const n = xs[0].shape[0]
      const totals = new Float32Array(n)
      xs.forEach((x, t) => {
        const sums = roundedRowSums(x, multiplicities[t], weight)
        if (t === 0) for (let i = 0; i < n; i++) totals[i] = sums[i] + weight
        else for (let i = 0; i < n; i++) totals[i] = totals[i] + sums[i]
      })
      const out = alloc(n * outFeatures)
      if (outFeatures === 1) out.set(totals)
      else for (let i = 0; i < n; i++) out.fill(totals[i], i * outFeatures, (i + 1) * outFeatures)
      return { shape: [n, outFeatures], data: out }
    },

    conv2d(x, multiplicity, weight, outShape, kernel, stride, pad, alloc) {
      const [n, c, h, w] = x.shape
      const [, outC, oh, ow] = outShape
      const plane = oh * ow
      const out = alloc(n * outC * plane)
      const src = at(x.data)
      const dst = at(out)
      const fallback = (): Tensor => ts.conv2d(x, multiplicity, weight, outShape, kernel, stride, pad, into(out))
      if (src === null || dst === null) return fallback()
      if (c === 1 && kernel === 1 && stride === 1 && pad === 0) {
        // The TS kernel's one-channel 1x1 fast path: (w * m) * x, no sum.
        const scale = weight * multiplicity[0]
        if (outC === 1) k.scale(src, dst, n * plane, scale)
        else for (let i = 0; i < n; i++) k.scale(src + i * plane * 4, dst + i * outC * plane * 4, plane, scale)
      } else {
        const done = withScratch([c, plane, h * w], ([scales, acc, rows]) => {
          const s = heap.f64(scales, c)
          for (let ch = 0; ch < c; ch++) s[ch] = weight * multiplicity[ch]
          k.conv(src, dst, n, c, h, w, oh, ow, kernel, stride, pad, scales, outC * plane, acc, rows)
          return true
        })
        if (done === null) return fallback()
      }
      // Constant weights make every output channel the same sum (as the TS kernel).
      if (outC > 1) {
        for (let i = 0; i < n; i++) {
          const first = i * outC * plane
          for (let o = 1; o < outC; o++) out.copyWithin(first + o * plane, first, first + plane)
        }
      }
      return { shape: outShape, data: out }
    },

    batchnorm(x, weight, eps, alloc) {
      const [n, c] = x.shape
      const plane = x.shape.length === 4 ? x.shape[2] * x.shape[3] : 1
      const count = n * plane
      const out = alloc(x.data.length)
      const src = at(x.data)
      const dst = at(out)
      if (src === null || dst === null) return ts.batchnorm(x, weight, eps, into(out))
      // A channel's values, image by image: one contiguous run when there is one channel.
      const runs = c === 1 ? 1 : n
      const runLength = c === 1 ? count : plane
      for (let ch = 0; ch < c; ch++) {
        const runAt = (i: number): number => src + (i * c + ch) * plane * 4
        let largest = 0
        let smallest = 255
        for (let i = 0; i < runs; i++) {
          const range = k.exponentRange(runAt(i), runLength)
          largest = Math.max(largest, range >> 8)
          smallest = Math.min(smallest, range & 255)
        }
        // In-order float64 sum, or the same bits from four lanes where every partial sum is exact.
        const sumRun = exactSumPossible(largest, smallest, count) ? k.sumExact : k.sum
        let sum = 0
        for (let i = 0; i < runs; i++) sum = sumRun(sum, runAt(i), runLength)
        const mean = sum / count
        let squares = 0
        // Every value +-0 (deep cells at a tiny weight underflow to exact zeros): the sum is +0, the
        // mean +0, each (x - mean)^2 is +0, so the in-order sum of squares is +0 without the loop.
        const allZero = smallest === 255 && largest === 0
        if (!allZero) for (let i = 0; i < runs; i++) squares = k.squares(squares, runAt(i), runLength, mean)
        const scale = weight / Math.sqrt(squares / count + eps)
        for (let i = 0; i < runs; i++) k.normalize(runAt(i), dst + (runAt(i) - src), runLength, mean, scale)
      }
      return { shape: x.shape, data: out }
    },

    relu(x, alloc) {
      const out = alloc(x.data.length)
      const src = at(x.data)
      const dst = at(out)
      if (src === null || dst === null) return ts.relu(x, into(out))
      k.relu(src, dst, out.length)
      return { shape: x.shape, data: out }
    },

    zero(x, alloc) {
      const out = alloc(x.data.length)
      const src = at(x.data)
      const dst = at(out)
      if (src === null || dst === null) return ts.zero(x, into(out))
      k.zero(src, dst, out.length)
      return { shape: x.shape, data: out }
    },

    add(xs, alloc) {
      const out = alloc(xs[0].data.length)
      const dst = at(out)
      const srcs = xs.map((x) => at(x.data))
      if (dst === null || xs.length < 2 || srcs.some((s) => s === null)) return ts.add(xs, into(out))
      const [a, b, ...rest] = srcs as number[]
      // Left fold, a float32 addition per step: the TS kernel's rounding after every addition.
      k.add(a, b, dst, out.length)
      for (const s of rest) k.add(dst, s, dst, out.length)
      return { shape: xs[0].shape, data: out }
    },

    avgpool(x, outShape, kernel, stride, pad, countIncludePad, alloc) {
      const [n, c, h, w] = x.shape
      const [, , oh, ow] = outShape
      const plane = oh * ow
      const out = alloc(n * c * plane)
      const src = at(x.data)
      const dst = at(out)
      const fallback = (): Tensor => ts.avgpool(x, outShape, kernel, stride, pad, countIncludePad, into(out))
      if (src === null || dst === null) return fallback()
      const done = withScratch([plane, plane, h * w], ([divisors, acc, rows]) => {
        const d = heap.f64(divisors, plane)
        if (countIncludePad) d.fill(kernel * kernel)
        else d.set(windowCounts({ kernel, stride, pad, inH: h, inW: w, outH: oh, outW: ow }))
        k.avgpool(src, dst, n * c, h, w, oh, ow, kernel, stride, pad, divisors, acc, rows)
        return true
      })
      return done === null ? fallback() : { shape: outShape, data: out }
    },

    globalavgpool(x, alloc) {
      const [n, c, h, w] = x.shape
      const out = alloc(n * c)
      const src = at(x.data)
      const dst = at(out)
      if (src === null || dst === null) return ts.globalavgpool(x, into(out))
      k.planeMeans(src, dst, n * c, h * w)
      return { shape: [n, c], data: out }
    },

    maxpool(x, outShape, kernel, stride, pad, alloc) {
      const [n, c, h, w] = x.shape
      const out = alloc(n * c * outShape[2] * outShape[3])
      const src = at(x.data)
      const dst = at(out)
      const fallback = (): Tensor => ts.maxpool(x, outShape, kernel, stride, pad, into(out))
      if (src === null || dst === null) return fallback()
      const same3x3 = kernel === 3 && stride === 1 && pad === 1 && outShape[2] === h && outShape[3] === w
      if (!same3x3) {
        k.maxpool(src, dst, n * c, h, w, outShape[2], outShape[3], kernel, stride, pad)
        return { shape: outShape, data: out }
      }
      const rows = heap.alloc(h * w * 4)
      if (rows === null) return fallback()
      try {
        k.maxpool3x3(src, dst, n * c, h, w, rows)
      } finally {
        heap.free(rows, h * w * 4)
      }
      return { shape: outShape, data: out }
    },
  }
}

/**
 * Whether every sum of `count` float32 values whose exponent fields lie in [smallest, largest]
 * (smallest: of the nonzero values; 255 when all are zero; largest 255: inf or NaN) is exact in
 * float64, so that adding them in any order and grouping gives the bits of the in-order sum.
 *
 * Why: with e' = max(field, 1), each value is an integer multiple of q = 2^(e'_smallest - 150) (its
 * ulp; subnormals: 2^-149) and below 2^(e'_largest - 126) in magnitude. Every partial sum is then an
 * integer multiple of q below count * 2^(e'_largest - 126) <= 2^53 * q when
 * ceil(log2(count)) + e'_largest - e'_smallest <= 29, and such a multiple is a float64: no addition
 * rounds. The sign of a zero sum is +0 either way (round to nearest, sums starting from +0).
 */
export function exactSumPossible(largest: number, smallest: number, count: number): boolean {
  if (largest === 255) return false
  if (smallest === 255) return true
  return Math.ceil(Math.log2(count)) + Math.max(largest, 1) - Math.max(smallest, 1) <= 29
}
