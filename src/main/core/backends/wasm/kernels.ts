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

  /**
   * BatchNorm's first sum, fused into the pass that produced its input: a conv with one stored output
   * channel writes its output in storage order, and adds every stored value (as float64, +0 first) to a
   * running sum as it stores it, the same additions in the same order as kernels.ts batchnorm's sum of
   * a one-channel tensor. Keyed by the Tensor the conv returned (made once per node and pass, never
   * written after), so a recycled buffer can never carry another tensor's sum.
   */
  const inOrderSums = new WeakMap<Tensor, number>()

  /**
   * Tensors known to hold nothing but +-0 (deep cells of the archs without a parameter-free path
   * underflow to exact zeros at a tiny weight: a fifth of NB201's BatchNorm inputs at [1e-7, 1]).
   * Known from BatchNorm's check of its input, then carried by the ops that keep it: every window sum
   * of +-0 is +-0, so a conv's or average pool's output is 0 + scale * s = +0 (divided by a positive
   * count: +0), and the conv's in-order sum of it is +0, with no window sums computed; BatchNorm
   * (mean +0, sum of squares +0), ReLU, add and x * 0 of +-0 give +-0 (their passes still run: the
   * signs are theirs). Keyed by Tensor, as inOrderSums.
   *
   * Of those, `positiveZeros` hold only +0 (every conv or pool output above): then BatchNorm at a
   * positive scale ((+0 - +0) * scale), ReLU, x * 0, a 1x1 conv at a positive scale and an add of such
   * tensors give +0 again, and their output is filled with +0 instead of computed.
   */
  const allZeros = new WeakSet<Tensor>()
  const positiveZeros = new WeakSet<Tensor>()
  const zeroIf = (known: boolean, result: Tensor, positive = false): Tensor => {
    if (known) allZeros.add(result)
    if (known && positive) positiveZeros.add(result)
    return result
  }
  /** An output of only +0, filled rather than computed (see positiveZeros). */
  const positiveZeroTensor = (shape: readonly number[], out: FloatArray): Tensor => {
    out.fill(0)
    return zeroIf(true, { shape, data: out }, true)
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
      const zeros = allZeros.has(x) && multiplicity.every((m) => Number.isFinite(weight * m))
      let positive = zeros
      let sum = 0
      if (c === 1 && kernel === 1 && stride === 1 && pad === 0) {
        // The TS kernel's one-channel 1x1 fast path: (w * m) * x, no sum. Of +-0, +-0 (their sum +0);
        // of +0 at a positive scale, +0.
        const scale = weight * multiplicity[0]
        positive = zeros && positiveZeros.has(x) && scale > 0
        if (positive) out.fill(0)
        else if (outC === 1) sum = k.scale(src, dst, n * plane, scale, 0, zeros ? 0 : 1)
        else for (let i = 0; i < n; i++) sum = k.scale(src + i * plane * 4, dst + i * outC * plane * 4, plane, scale, 0, 0)
      } else if (zeros) {
        // acc = +0, plus scale * (window sums of +-0) = +0 for every output: no sums to compute.
        out.fill(0)
        sum = 0
      } else {
        const done = withScratch([c, plane, h * w], ([scales, acc, rows]) => {
          const s = heap.f64(scales, c)
          for (let ch = 0; ch < c; ch++) s[ch] = weight * multiplicity[ch]
          sum = k.conv(src, dst, n, c, h, w, oh, ow, kernel, stride, pad, scales, outC * plane, acc, rows)
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
      const result = { shape: outShape, data: out }
      // One output channel: the kernel's sum is the in-order sum of the whole tensor.
      if (outC === 1) inOrderSums.set(result, sum)
      return zeroIf(zeros, result, positive)
    },

    batchnorm(x, weight, eps, alloc) {
      const [n, c] = x.shape
      const plane = x.shape.length === 4 ? x.shape[2] * x.shape[3] : 1
      const count = n * plane
      const out = alloc(x.data.length)
      const src = at(x.data)
      const dst = at(out)
      if (src === null || dst === null) return ts.batchnorm(x, weight, eps, into(out))
      // Only +0: mean +0, sum of squares +0, every output (+0 - +0) * scale = +0 at a positive scale.
      const zeroScale = weight / Math.sqrt(0 / count + eps)
      if (positiveZeros.has(x) && zeroScale > 0 && Number.isFinite(zeroScale)) return positiveZeroTensor(x.shape, out)
      // A channel's values, image by image: one contiguous run when there is one channel.
      const runs = c === 1 ? 1 : n
      const runLength = c === 1 ? count : plane
      // The producer summed a one-channel input in order as it stored it (inOrderSums): no sum here.
      const fusedSum = c === 1 ? inOrderSums.get(x) : undefined
      const knownZeros = allZeros.has(x)
      let everyChannelZero = true
      for (let ch = 0; ch < c; ch++) {
        const runAt = (i: number): number => src + (i * c + ch) * plane * 4
        let sum = 0
        let allZero: boolean
        if (knownZeros) {
          // The in-order sum of +-0 from +0 is +0.
          allZero = true
        } else if (fusedSum !== undefined) {
          sum = fusedSum
          // Only a sum of zero can come from a plane of zeros: the exponent scan just then.
          allZero = sum === 0 && k.exponentRange(src, count) === 255
        } else {
          let largest = 0
          let smallest = 255
          for (let i = 0; i < runs; i++) {
            const range = k.exponentRange(runAt(i), runLength)
            largest = Math.max(largest, range >> 8)
            smallest = Math.min(smallest, range & 255)
          }
          // In-order float64 sum, or the same bits from four lanes where every partial sum is exact.
          const sumRun = exactSumPossible(largest, smallest, count) ? k.sumExact : k.sum
          for (let i = 0; i < runs; i++) sum = sumRun(sum, runAt(i), runLength)
          allZero = smallest === 255 && largest === 0
        }
        const mean = sum / count
        let squares = 0
        // Every value +-0 (deep cells at a tiny weight underflow to exact zeros): the sum is +0, the
        // mean +0, each (x - mean)^2 is +0, so the in-order sum of squares is +0 without the loop.
        if (!allZero) for (let i = 0; i < runs; i++) squares = k.squares(squares, runAt(i), runLength, mean)
        const scale = weight / Math.sqrt(squares / count + eps)
        for (let i = 0; i < runs; i++) k.normalize(runAt(i), dst + (runAt(i) - src), runLength, mean, scale)
        everyChannelZero &&= allZero && Number.isFinite(scale)
      }
      // (+-0 - +0) * scale is +-0 for a finite scale.
      return zeroIf(everyChannelZero, { shape: x.shape, data: out })
    },

    relu(x, alloc) {
      const out = alloc(x.data.length)
      const src = at(x.data)
      const dst = at(out)
      if (src === null || dst === null) return ts.relu(x, into(out))
      if (positiveZeros.has(x)) return positiveZeroTensor(x.shape, out)
      k.relu(src, dst, out.length)
      return zeroIf(allZeros.has(x), { shape: x.shape, data: out })
    },

    zero(x, alloc) {
      const out = alloc(x.data.length)
      const src = at(x.data)
      const dst = at(out)
      if (src === null || dst === null) return ts.zero(x, into(out))
      if (positiveZeros.has(x)) return positiveZeroTensor(x.shape, out)
      k.zero(src, dst, out.length)
      return zeroIf(allZeros.has(x), { shape: x.shape, data: out })
    },

    add(xs, alloc) {
      const out = alloc(xs[0].data.length)
      const dst = at(out)
      const srcs = xs.map((x) => at(x.data))
      if (dst === null || xs.length < 2 || srcs.some((s) => s === null)) return ts.add(xs, into(out))
      if (xs.every((x) => positiveZeros.has(x))) return positiveZeroTensor(xs[0].shape, out)
      const [a, b, ...rest] = srcs as number[]
      // Left fold, a float32 addition per step: the TS kernel's rounding after every addition.
      k.add(a, b, dst, out.length)
      for (const s of rest) k.add(dst, s, dst, out.length)
      return zeroIf(xs.every((x) => allZeros.has(x)), { shape: xs[0].shape, data: out })
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
      // (+0 + 1 * window sum of +-0) / count = +0: every window holds an input (pad < kernel), count > 0.
      if (allZeros.has(x) && pad < kernel) return positiveZeroTensor(outShape, out)
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
