import type { Window2d } from '../../ir/graph.ts'
import { axisTaps } from '../../ir/window2d.ts'
import type { FloatArray } from './kernels.ts'
import { accumulateWindowSums, type Window } from './window.ts'

/**
 * Sliding windows of the general (ONNX) conv and pool ops over one H x W plane: rectangular kernel,
 * per-axis stride and dilation, pads [top, left, bottom, right]. Only in-bounds taps are read (zero
 * padding adds nothing to a sum; max pooling never lets padding win). Sums are float64 sums of the
 * float32 inputs; callers round once when they store.
 */

/** A general window placed over a plane: per output row/column, the in-bounds input rows/columns it reads. */
export interface PlacedWindow {
  readonly inH: number
  readonly inW: number
  readonly outH: number
  readonly outW: number
  /** rows[oy] = input rows read by output row oy, in tap order. */
  readonly rows: readonly (readonly number[])[]
  /** cols[ox] = input columns read by output column ox, in tap order. */
  readonly cols: readonly (readonly number[])[]
  /** The same window as the square, undilated, symmetric Window of window.ts when it is one (fast paths). */
  readonly square: Window | null
}

/** Places `window` over an inH x inW plane with an outH x outW output (ceil mode is in the output size). */
export function placeWindow(window: Window2d, inH: number, inW: number, outH: number, outW: number): PlacedWindow {
  const { kernel, stride, dilation, pads } = window
  const isSquare = kernel[0] === kernel[1] && stride[0] === stride[1] && dilation[0] === 1 && dilation[1] === 1 && pads.every((p) => p === pads[0])
  return {
    inH,
    inW,
    outH,
    outW,
    rows: axisTaps(inH, outH, window, 0),
    cols: axisTaps(inW, outW, window, 1),
    square: isSquare ? { kernel: kernel[0], stride: stride[0], pad: pads[0], inH, inW, outH, outW } : null,
  }
}

/** Adds `scale` times the window sums of the plane of `src` at `srcOffset` into `acc` (outH * outW). */
export function accumulateWindowSums2d(src: FloatArray, srcOffset: number, g: PlacedWindow, scale: number, acc: Float64Array, rowScratch: Float64Array): void {
  if (g.square) {
    // The conv2d/avgpool routine: same sums (separable 3x3 fast path included).
    accumulateWindowSums(src, srcOffset, g.square, scale, acc, rowScratch)
    return
  }
  for (let oy = 0; oy < g.outH; oy++) {
    const rows = g.rows[oy]
    for (let ox = 0; ox < g.outW; ox++) {
      const cols = g.cols[ox]
      let s = 0
      for (const y of rows) {
        const base = srcOffset + y * g.inW
        for (const x of cols) s += src[base + x]
      }
      acc[oy * g.outW + ox] += scale * s
    }
  }
}

/** max(a, b) that returns NaN when either is NaN (torch.max_pool2d propagates NaN). */
function maxNan(a: number, b: number): number {
  return b > a || b !== b ? b : a
}

/** Max over the in-bounds taps of each window (-inf for a window with none), NaN propagating; stored from `outOffset`. */
export function maxPlane2d(src: FloatArray, srcOffset: number, g: PlacedWindow, out: FloatArray, outOffset: number): void {
  for (let oy = 0; oy < g.outH; oy++) {
    const rows = g.rows[oy]
    for (let ox = 0; ox < g.outW; ox++) {
      const cols = g.cols[ox]
      let m = Number.NEGATIVE_INFINITY
      for (const y of rows) {
        const base = srcOffset + y * g.inW
        for (const x of cols) m = maxNan(m, src[base + x])
      }
      out[outOffset + oy * g.outW + ox] = m
    }
  }
}
