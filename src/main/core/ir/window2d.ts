import type { Window2d } from './graph.ts'

/**
 * Geometry of the general (ONNX) conv/pool window, shared by both engines and the bound: which
 * input positions each output position reads, and the divisor of average pooling. Output position
 * o of an axis reads input positions o * stride - padBegin + t * dilation for taps t < kernel.
 */

/** Per output position along one axis, the in-bounds input positions it reads, in tap order. */
export function axisTaps(size: number, out: number, window: Window2d, axis: 0 | 1): number[][] {
  const { kernel, stride, dilation, pads } = window
  return Array.from({ length: out }, (_, o) => {
    const taps: number[] = []
    for (let t = 0; t < kernel[axis]; t++) {
      const at = o * stride[axis] - pads[axis] + t * dilation[axis]
      if (at >= 0 && at < size) taps.push(at)
    }
    return taps
  })
}

/** Per output position along one axis, how many taps lie inside the padded input [-padBegin, size + padEnd). */
function axisPaddedTaps(size: number, out: number, window: Window2d, axis: 0 | 1): number[] {
  const { kernel, stride, dilation, pads } = window
  return Array.from({ length: out }, (_, o) => {
    let count = 0
    for (let t = 0; t < kernel[axis]; t++) {
      const at = o * stride[axis] - pads[axis] + t * dilation[axis]
      if (at >= -pads[axis] && at < size + pads[axis + 2]) count++
    }
    return count
  })
}

/**
 * Divisor of average pooling at each output position (row-major outH x outW). Without
 * countIncludePad: the in-bounds taps. With it: the taps inside the padded input, so the taps that
 * ceil mode adds past the bottom/right padding do not count (PyTorch's avg_pool2d).
 */
export function poolDivisors(window: Window2d, inH: number, inW: number, outH: number, outW: number, countIncludePad: boolean): Float64Array {
  const rows = countIncludePad ? axisPaddedTaps(inH, outH, window, 0) : axisTaps(inH, outH, window, 0).map((t) => t.length)
  const cols = countIncludePad ? axisPaddedTaps(inW, outW, window, 1) : axisTaps(inW, outW, window, 1).map((t) => t.length)
  const divisors = new Float64Array(outH * outW)
  for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) divisors[oy * outW + ox] = rows[oy] * cols[ox]
  return divisors
}

/** True when some output position reads no in-bounds input (possible with large pads, dilation or ceil mode). */
export function hasEmptyWindow(window: Window2d, inH: number, inW: number, outH: number, outW: number): boolean {
  const empty = (taps: number[][]): boolean => taps.some((t) => t.length === 0)
  return empty(axisTaps(inH, outH, window, 0)) || empty(axisTaps(inW, outW, window, 1))
}
