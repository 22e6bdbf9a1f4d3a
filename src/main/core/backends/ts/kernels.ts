import { accumulateWindowSums, maxPoolPlane, type Window, windowCounts } from './window.ts'

/**
 * Typed-array kernels, one per IR op, on NCHW float32 tensors. They are the living definition of
 * every op: each computes in float64 and stores float32 (Float32Array), so every intermediate has
 * the range and precision of the float32 reference, subnormals included (JavaScript never flushes
 * them to zero). Channel multiplicities make the same kernels run full-width and collapsed graphs.
 * Kernels store into whatever buffer `alloc` hands them: Float32Array always, except in the
 * float64 storage mode of BufferPool that exists only for tests (engine.md "Float fidelity").
 * The WebAssembly kernels of ../wasm (the default for the hot ops) reproduce these bit for bit: a
 * change of arithmetic or order here needs the same change in ../wasm/kernels.wat, and
 * tests/core/backends/wasm says when the two disagree.
 */

/** Storage of a tensor: Float32Array (the metric's arithmetic), Float64Array only in the test-only float64 mode. */
export type FloatArray = Float32Array | Float64Array

/** A tensor: its data (float32 unless a float64 pool was asked for) plus its shape. */
export interface Tensor {
  shape: readonly number[]
  data: FloatArray
}

/** Where kernels get output buffers from (a pool in the interpreter). */
export type Allocate = (length: number) => FloatArray

function windowOf(inShape: readonly number[], outShape: readonly number[], kernel: number, stride: number, pad: number): Window {
  return { kernel, stride, pad, inH: inShape[2], inW: inShape[3], outH: outShape[2], outW: outShape[3] }
}

/** conv2d with every weight = w: each output channel = sum over input channels i of (w * m_i) * window sum. */
export function conv2d(x: Tensor, multiplicity: readonly number[], weight: number, outShape: readonly number[], kernel: number, stride: number, pad: number, alloc: Allocate): Tensor {
  const [n, c, h, w] = x.shape
  const [, outC, oh, ow] = outShape
  const g = windowOf(x.shape, outShape, kernel, stride, pad)
  const plane = oh * ow
  const out = alloc(n * outC * plane)
  if (c === 1 && kernel === 1 && stride === 1 && pad === 0) {
    // One stored input channel, 1x1: each output is (w * m) * x, one rounding, as the general path.
    const scale = weight * multiplicity[0]
    const src = x.data
    for (let i = 0; i < n; i++) {
      const first = i * outC * plane
      for (let p = 0; p < plane; p++) out[first + p] = scale * src[i * plane + p]
      for (let o = 1; o < outC; o++) out.copyWithin(first + o * plane, first, first + plane)
    }
    return { shape: outShape, data: out }
  }
  const acc = new Float64Array(plane)
  const rows = new Float64Array(h * w)
  for (let i = 0; i < n; i++) {
    acc.fill(0)
    for (let ch = 0; ch < c; ch++) {
      accumulateWindowSums(x.data, (i * c + ch) * h * w, g, weight * multiplicity[ch], acc, rows)
    }
    const first = i * outC * plane
    for (let p = 0; p < plane; p++) out[first + p] = acc[p]
    // Constant weights make every output channel the same sum.
    for (let o = 1; o < outC; o++) out.copyWithin(first + o * plane, first, first + plane)
  }
  return { shape: outShape, data: out }
}

/** Train-mode BatchNorm with gamma = w, beta = 0: per channel batch mean and biased variance over (N, H, W). */
export function batchnorm(x: Tensor, weight: number, eps: number, alloc: Allocate): Tensor {
  const [n, c] = x.shape
  const plane = x.shape.length === 4 ? x.shape[2] * x.shape[3] : 1
  const count = n * plane
  const out = alloc(x.data.length)
  const src = x.data
  for (let ch = 0; ch < c; ch++) {
    let sum = 0
    for (let i = 0; i < n; i++) {
      const base = (i * c + ch) * plane
      for (let p = 0; p < plane; p++) sum += src[base + p]
    }
    const mean = sum / count
    let squares = 0
    for (let i = 0; i < n; i++) {
      const base = (i * c + ch) * plane
      for (let p = 0; p < plane; p++) {
        const d = src[base + p] - mean
        squares += d * d
      }
    }
    const scale = weight / Math.sqrt(squares / count + eps)
    for (let i = 0; i < n; i++) {
      const base = (i * c + ch) * plane
      for (let p = 0; p < plane; p++) out[base + p] = (src[base + p] - mean) * scale
    }
  }
  return { shape: x.shape, data: out }
}

/** max(x, 0), keeping NaN as NaN (as torch.relu). */
export function relu(x: Tensor, alloc: Allocate): Tensor {
  const out = alloc(x.data.length)
  const src = x.data
  for (let k = 0; k < src.length; k++) {
    const v = src[k]
    out[k] = v < 0 ? 0 : v
  }
  return { shape: x.shape, data: out }
}

/** x * 0: zero for finite x, NaN for inf and NaN (the reference's `none` edge). */
export function zero(x: Tensor, alloc: Allocate): Tensor {
  const out = alloc(x.data.length)
  const src = x.data
  for (let k = 0; k < src.length; k++) out[k] = src[k] * 0
  return { shape: x.shape, data: out }
}

/** Elementwise sum folded left, rounding to float32 after every addition as the reference does. */
export function add(xs: readonly Tensor[], alloc: Allocate): Tensor {
  const out = alloc(xs[0].data.length)
  if (xs.length >= 2) {
    // First two operands in one pass: the float32 store rounds a + b exactly as a separate pass would.
    const a = xs[0].data
    const b = xs[1].data
    for (let k = 0; k < out.length; k++) out[k] = a[k] + b[k]
  } else out.set(xs[0].data)
  for (let t = 2; t < xs.length; t++) {
    const src = xs[t].data
    for (let k = 0; k < out.length; k++) out[k] += src[k]
  }
  return { shape: xs[0].shape, data: out }
}

/** Average pooling; with countIncludePad false the divisor is the number of in-bounds elements. */
export function avgpool(x: Tensor, outShape: readonly number[], kernel: number, stride: number, pad: number, countIncludePad: boolean, alloc: Allocate): Tensor {
  const g = windowOf(x.shape, outShape, kernel, stride, pad)
  const divisors = countIncludePad ? new Float64Array(g.outH * g.outW).fill(kernel * kernel) : windowCounts(g)
  return dividedWindowSums(x, outShape, divisors, (offset, acc, rows) => accumulateWindowSums(x.data, offset, g, 1, acc, rows), alloc)
}

/**
 * Average pooling's loop, for any window: per plane, the window sums that `accumulate` adds into
 * `acc` (from the plane at `offset`) divided by each output position's divisor, rounded once.
 */
export function dividedWindowSums(
  x: Tensor,
  outShape: readonly number[],
  divisors: Float64Array,
  accumulate: (offset: number, acc: Float64Array, rows: Float64Array) => void,
  alloc: Allocate,
): Tensor {
  const [n, c, h, w] = x.shape
  const plane = outShape[2] * outShape[3]
  const out = alloc(n * c * plane)
  const acc = new Float64Array(plane)
  const rows = new Float64Array(h * w)
  for (let k = 0; k < n * c; k++) {
    acc.fill(0)
    accumulate(k * h * w, acc, rows)
    const base = k * plane
    for (let p = 0; p < plane; p++) out[base + p] = acc[p] / divisors[p]
  }
  return { shape: outShape, data: out }
}

/** Mean over H and W: NCHW -> [N, C]. */
export function globalavgpool(x: Tensor, alloc: Allocate): Tensor {
  const [n, c, h, w] = x.shape
  const plane = h * w
  const out = alloc(n * c)
  for (let k = 0; k < n * c; k++) {
    let sum = 0
    const base = k * plane
    for (let p = 0; p < plane; p++) sum += x.data[base + p]
    out[k] = sum / plane
  }
  return { shape: [n, c], data: out }
}

/** Fully connected with every weight = w, bias 0: out[n, o] = sum_i (w * m_i) * x[n, i] for every o. */
export function linear(x: Tensor, multiplicity: readonly number[], weight: number, outFeatures: number, alloc: Allocate): Tensor {
  const [n, f] = x.shape
  const out = alloc(n * outFeatures)
  for (let i = 0; i < n; i++) {
    let sum = 0
    for (let k = 0; k < f; k++) sum += weight * multiplicity[k] * x.data[i * f + k]
    out.fill(sum, i * outFeatures, (i + 1) * outFeatures)
  }
  return { shape: [n, outFeatures], data: out }
}

/** Output channel k = input channel sources[k]. */
export function regroup(x: Tensor, sources: readonly number[], alloc: Allocate): Tensor {
  const [n, c] = x.shape
  const plane = x.shape.length === 4 ? x.shape[2] * x.shape[3] : 1
  const out = alloc(n * sources.length * plane)
  for (let i = 0; i < n; i++) {
    sources.forEach((source, k) => {
      const from = (i * c + source) * plane
      out.set(x.data.subarray(from, from + plane), (i * sources.length + k) * plane)
    })
  }
  return { shape: [n, sources.length, ...x.shape.slice(2)], data: out }
}

/** Max pooling over the in-bounds elements of each window (padding never wins); NaN propagates. */
export function maxpool(x: Tensor, outShape: readonly number[], kernel: number, stride: number, pad: number, alloc: Allocate): Tensor {
  const [n, c, h, w] = x.shape
  const g = windowOf(x.shape, outShape, kernel, stride, pad)
  const plane = g.outH * g.outW
  const out = alloc(n * c * plane)
  const rows = new Float64Array(h * w)
  for (let k = 0; k < n * c; k++) maxPoolPlane(x.data, k * h * w, g, out, k * plane, rows)
  return { shape: outShape, data: out }
}

/** Concatenation along the channels: each image's planes of every input, in input order. */
export function concat(xs: readonly Tensor[], alloc: Allocate): Tensor {
  const [n, , h, w] = xs[0].shape
  const plane = h * w
  const channels = xs.reduce((sum, x) => sum + x.shape[1], 0)
  const out = alloc(n * channels * plane)
  let at = 0
  for (let i = 0; i < n; i++) {
    for (const x of xs) {
      const size = x.shape[1] * plane
      out.set(x.data.subarray(i * size, (i + 1) * size), at)
      at += size
    }
  }
  return { shape: [n, channels, h, w], data: out }
}

/** Channels start .. start+size-1 of every image. */
export function channelslice(x: Tensor, start: number, size: number, alloc: Allocate): Tensor {
  const [n, c] = x.shape
  const plane = x.shape.length === 4 ? x.shape[2] * x.shape[3] : 1
  const out = alloc(n * size * plane)
  for (let i = 0; i < n; i++) {
    const from = (i * c + start) * plane
    out.set(x.data.subarray(from, from + size * plane), i * size * plane)
  }
  return { shape: [n, size, ...x.shape.slice(2)], data: out }
}
