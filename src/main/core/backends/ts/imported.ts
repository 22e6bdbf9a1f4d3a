import type { ImportedOp, Window2d } from '../../ir/graph.ts'
import { dividedWindowSums, type Allocate, type FloatArray, type Tensor } from './kernels.ts'
import { poolDivisors } from '../../ir/window2d.ts'
import { accumulateWindowSums2d, maxPlane2d, placeWindow } from './window2d.ts'

/**
 * Typed-array kernels of the imported (ONNX) ops, as graph.ts defines them. Like kernels.ts they
 * compute in float64 and round once to float32 when they store; for sub and scalar that single
 * rounding is exactly float32 arithmetic (float64 holds every float32 sum, difference, product and
 * quotient closely enough that rounding it again gives the correctly rounded float32 result).
 */

/** Runs one imported op: `inputMultiplicity` is the first input's, `outShape` the node's shape. */
export function runImported(op: ImportedOp, inputs: readonly Tensor[], inputMultiplicity: readonly number[], outShape: readonly number[], weight: number, alloc: Allocate): Tensor {
  const x = inputs[0]
  switch (op.kind) {
    case 'conv':
      return conv(x, inputMultiplicity, weight, outShape, op.groups, op.window, alloc)
    case 'pool':
      return op.mode === 'max' ? maxPool(x, outShape, op.window, alloc) : avgPool(x, outShape, op.window, op.countIncludePad, alloc)
    case 'hardsigmoid': {
      const alpha = Math.fround(op.alpha)
      const beta = Math.fround(op.beta)
      // Math.min/max keep NaN as NaN.
      return map(x, alloc, (v) => Math.max(0, Math.min(1, alpha * v + beta)))
    }
    case 'hardswish':
      return map(x, alloc, (v) => v * Math.max(0, Math.min(1, v / 6 + 0.5)))
    case 'clip': {
      const lo = Math.fround(op.min)
      const hi = Math.fround(op.max)
      return map(x, alloc, (v) => Math.min(Math.max(v, lo), hi))
    }
    case 'sub': {
      const a = x.data
      const b = inputs[1].data
      const out = alloc(a.length)
      for (let k = 0; k < a.length; k++) out[k] = a[k] - b[k]
      return { shape: x.shape, data: out }
    }
    case 'scalar': {
      const c = Math.fround(op.value)
      return map(x, alloc, scalarFunction(op.fn, c, op.scalarFirst))
    }
    case 'pad':
      return pad(x, outShape, op.pads, alloc)
    case 'flatten': {
      // NCHW is row-major, so [N, C*H*W] in NCHW order is the same data.
      const out = alloc(x.data.length)
      out.set(x.data)
      return { shape: outShape, data: out }
    }
    case 'spatialmean':
      return spatialMean(x, outShape, alloc)
  }
}

function map(x: Tensor, alloc: Allocate, f: (v: number) => number): Tensor {
  const out = alloc(x.data.length)
  const src = x.data
  for (let k = 0; k < src.length; k++) out[k] = f(src[k])
  return { shape: x.shape, data: out }
}

function scalarFunction(fn: 'add' | 'sub' | 'mul' | 'div', c: number, scalarFirst: boolean): (v: number) => number {
  switch (fn) {
    case 'add':
      return (v) => v + c
    case 'mul':
      return (v) => v * c
    case 'sub':
      return scalarFirst ? (v) => c - v : (v) => v - c
    case 'div':
      return scalarFirst ? (v) => c / v : (v) => v / c
  }
}

/**
 * Grouped conv, every weight = w: output channel o of group g (outPerGroup = outC / groups per group)
 * is sum over stored input channels s of group g of (w * m_s) * window sum of s. Every output
 * channel of a group is the same sum, so it is computed once per group and copied.
 */
function conv(x: Tensor, multiplicity: readonly number[], weight: number, outShape: readonly number[], groups: number, window: Window2d, alloc: Allocate): Tensor {
  const [n, c, h, w] = x.shape
  const [, outC, oh, ow] = outShape
  const g = placeWindow(window, h, w, oh, ow)
  const plane = oh * ow
  const inPerGroup = c / groups
  const outPerGroup = outC / groups
  const out = alloc(n * outC * plane)
  const acc = new Float64Array(plane)
  const rows = new Float64Array(h * w)
  for (let i = 0; i < n; i++) {
    for (let group = 0; group < groups; group++) {
      acc.fill(0)
      for (let ch = group * inPerGroup; ch < (group + 1) * inPerGroup; ch++) {
        accumulateWindowSums2d(x.data, (i * c + ch) * h * w, g, weight * multiplicity[ch], acc, rows)
      }
      const first = (i * outC + group * outPerGroup) * plane
      for (let p = 0; p < plane; p++) out[first + p] = acc[p]
      for (let o = 1; o < outPerGroup; o++) out.copyWithin(first + o * plane, first, first + plane)
    }
  }
  return { shape: outShape, data: out }
}

/** Max over the in-bounds taps of each window; NaN propagates; a window with no in-bounds tap gives -inf (PyTorch's -inf padding). */
function maxPool(x: Tensor, outShape: readonly number[], window: Window2d, alloc: Allocate): Tensor {
  const [n, c, h, w] = x.shape
  const g = placeWindow(window, h, w, outShape[2], outShape[3])
  const plane = g.outH * g.outW
  const out = alloc(n * c * plane)
  for (let k = 0; k < n * c; k++) maxPlane2d(x.data, k * h * w, g, out, k * plane)
  return { shape: outShape, data: out }
}

/** Sum of the in-bounds taps over the divisor of poolDivisors (0/0 = NaN for an empty window without countIncludePad). */
function avgPool(x: Tensor, outShape: readonly number[], window: Window2d, countIncludePad: boolean, alloc: Allocate): Tensor {
  const [, , h, w] = x.shape
  const g = placeWindow(window, h, w, outShape[2], outShape[3])
  const divisors = poolDivisors(window, h, w, g.outH, g.outW, countIncludePad)
  return dividedWindowSums(x, outShape, divisors, (offset, acc, rows) => accumulateWindowSums2d(x.data, offset, g, 1, acc, rows), alloc)
}

function pad(x: Tensor, outShape: readonly number[], pads: readonly [number, number, number, number], alloc: Allocate): Tensor {
  const [n, c, h, w] = x.shape
  const [, , oh, ow] = outShape
  const [top, left] = pads
  const out: FloatArray = alloc(n * c * oh * ow)
  // Buffers may be recycled: every element is written.
  out.fill(0)
  // Output (y, x) reads input (y - top, x - left); a negative pad crops, so only the input rows and
  // columns that land inside the output are copied.
  const [y0, y1] = [Math.max(0, -top), Math.min(h, oh - top)]
  const [x0, x1] = [Math.max(0, -left), Math.min(w, ow - left)]
  for (let k = 0; k < n * c; k++) {
    for (let y = y0; y < y1; y++) {
      const from = (k * h + y) * w
      if (x1 > x0) out.set(x.data.subarray(from + x0, from + x1), (k * oh + y + top) * ow + x0 + left)
    }
  }
  return { shape: outShape, data: out }
}

/** Mean over H and W keeping them as 1 x 1: float64 sum over the plane, divided by H * W, one rounding. */
function spatialMean(x: Tensor, outShape: readonly number[], alloc: Allocate): Tensor {
  const [n, c, h, w] = x.shape
  const plane = h * w
  const out = alloc(n * c)
  for (let k = 0; k < n * c; k++) {
    let sum = 0
    const base = k * plane
    for (let p = 0; p < plane; p++) sum += x.data[base + p]
    out[k] = sum / plane
  }
  return { shape: outShape, data: out }
}
