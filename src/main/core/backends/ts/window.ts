import type { FloatArray } from './kernels.ts'

/**
 * Sliding-window sums over one H x W plane with zero padding: the heart of both a constant-weight
 * convolution (w times the window sum) and average pooling. Sums are exact float64 sums of float32
 * values; callers round once when they store the result.
 */

/** Geometry of a sliding window over a plane. */
export interface Window {
  kernel: number
  stride: number
  pad: number
  inH: number
  inW: number
  outH: number
  outW: number
}

/**
 * Adds `scale` times the window sums of `src` (plane starting at `srcOffset`) into `acc` (outH*outW).
 * 3x3 stride-1 windows use separable row sums (6 adds per element instead of 8).
 */
export function accumulateWindowSums(src: FloatArray, srcOffset: number, g: Window, scale: number, acc: Float64Array, rowScratch: Float64Array): void {
  if (g.kernel === 3 && g.stride === 1 && g.pad === 1 && g.outH === g.inH && g.outW === g.inW) {
    accumulate3x3(src, srcOffset, g.inH, g.inW, scale, acc, rowScratch)
    return
  }
  if (g.kernel === 1 && g.pad === 0) {
    for (let oy = 0; oy < g.outH; oy++) {
      const rowIn = srcOffset + oy * g.stride * g.inW
      const rowOut = oy * g.outW
      for (let ox = 0; ox < g.outW; ox++) acc[rowOut + ox] += scale * src[rowIn + ox * g.stride]
    }
    return
  }
  accumulateGeneric(src, srcOffset, g, scale, acc)
}

function accumulate3x3(src: FloatArray, off: number, h: number, w: number, scale: number, acc: Float64Array, rows: Float64Array): void {
  // rows holds the horizontal 3-sums of every input row (h * w); then three rows add vertically.
  for (let y = 0; y < h; y++) {
    const base = off + y * w
    const r = y * w
    if (w === 1) {
      rows[r] = src[base]
      continue
    }
    rows[r] = src[base] + src[base + 1]
    for (let x = 1; x < w - 1; x++) rows[r + x] = src[base + x - 1] + src[base + x] + src[base + x + 1]
    rows[r + w - 1] = src[base + w - 2] + src[base + w - 1]
  }
  for (let y = 0; y < h; y++) {
    const r = y * w
    const up = y > 0 ? r - w : -1
    const down = y < h - 1 ? r + w : -1
    for (let x = 0; x < w; x++) {
      let s = rows[r + x]
      if (up >= 0) s += rows[up + x]
      if (down >= 0) s += rows[down + x]
      acc[r + x] += scale * s
    }
  }
}

function accumulateGeneric(src: FloatArray, off: number, g: Window, scale: number, acc: Float64Array): void {
  for (let oy = 0; oy < g.outH; oy++) {
    for (let ox = 0; ox < g.outW; ox++) {
      let s = 0
      for (let ky = 0; ky < g.kernel; ky++) {
        const y = oy * g.stride - g.pad + ky
        if (y < 0 || y >= g.inH) continue
        for (let kx = 0; kx < g.kernel; kx++) {
          const x = ox * g.stride - g.pad + kx
          if (x < 0 || x >= g.inW) continue
          s += src[off + y * g.inW + x]
        }
      }
      acc[oy * g.outW + ox] += scale * s
    }
  }
}

/** Number of in-bounds input elements under each output position (the divisor of AvgPool with count_include_pad=False). */
export function windowCounts(g: Window): Float64Array {
  const counts = new Float64Array(g.outH * g.outW)
  for (let oy = 0; oy < g.outH; oy++) {
    const y0 = Math.max(0, oy * g.stride - g.pad)
    const y1 = Math.min(g.inH, oy * g.stride - g.pad + g.kernel)
    for (let ox = 0; ox < g.outW; ox++) {
      const x0 = Math.max(0, ox * g.stride - g.pad)
      const x1 = Math.min(g.inW, ox * g.stride - g.pad + g.kernel)
      counts[oy * g.outW + ox] = Math.max(0, y1 - y0) * Math.max(0, x1 - x0)
    }
  }
  return counts
}

/** max(a, b) that returns NaN when either is NaN (torch.max_pool2d propagates NaN). */
function maxNan(a: number, b: number): number {
  return b > a || b !== b ? b : a
}

/**
 * Max over the in-bounds part of each window of the plane at `srcOffset`, written to `out` from
 * `outOffset`. Out-of-bounds positions are skipped, which is PyTorch's -inf padding and TF's 'SAME'.
 * 3x3 stride-1 windows are separable (row maxima, then column maxima): max is exact in any order.
 */
export function maxPoolPlane(src: FloatArray, srcOffset: number, g: Window, out: FloatArray, outOffset: number, rows: Float64Array): void {
  if (g.kernel === 3 && g.stride === 1 && g.pad === 1 && g.outH === g.inH && g.outW === g.inW) {
    const { inH: h, inW: w } = g
    for (let y = 0; y < h; y++) {
      const base = srcOffset + y * w
      for (let x = 0; x < w; x++) {
        let m = src[base + x]
        if (x > 0) m = maxNan(m, src[base + x - 1])
        if (x < w - 1) m = maxNan(m, src[base + x + 1])
        rows[y * w + x] = m
      }
    }
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let m = rows[y * w + x]
        if (y > 0) m = maxNan(m, rows[(y - 1) * w + x])
        if (y < h - 1) m = maxNan(m, rows[(y + 1) * w + x])
        out[outOffset + y * w + x] = m
      }
    }
    return
  }
  for (let oy = 0; oy < g.outH; oy++) {
    const y0 = Math.max(0, oy * g.stride - g.pad)
    const y1 = Math.min(g.inH, oy * g.stride - g.pad + g.kernel)
    for (let ox = 0; ox < g.outW; ox++) {
      const x0 = Math.max(0, ox * g.stride - g.pad)
      const x1 = Math.min(g.inW, ox * g.stride - g.pad + g.kernel)
      let m = Number.NEGATIVE_INFINITY
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) m = maxNan(m, src[srcOffset + y * g.inW + x])
      }
      out[outOffset + oy * g.outW + ox] = m
    }
  }
}
