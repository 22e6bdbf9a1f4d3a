/**
 * The x axis of a proxy's scatter (pure). Six Suite-Zero proxies (epe_nas, fisher, grad_norm,
 * grasp, jacov, snip) span several orders of magnitude: on a linear axis nearly every point sits
 * in one column. A percentile-rank axis shows exactly what Spearman sees; a symmetric log keeps
 * the sign and gives every decade the same width.
 */
import type { ScatterPoint } from './options.ts'

export type AxisScale = 'value' | 'rank' | 'symlog'

/** The choices the Compare page offers, in order. */
export const AXIS_SCALES: ReadonlyArray<{ id: AxisScale; label: string }> = [
  { id: 'value', label: 'value' },
  { id: 'rank', label: 'percentile rank' },
  { id: 'symlog', label: 'symmetric log' },
]

/**
 * The points with x transformed (y, colour and index kept; 'value' returns them unchanged) and the
 * axis title, computed together because symlog names the constant of the untransformed x.
 */
export function scaleAxis(name: string, points: readonly ScatterPoint[], scale: AxisScale): { title: string; points: readonly ScatterPoint[] } {
  if (scale === 'value' || points.length === 0) return { title: name, points }
  if (scale === 'rank') {
    const ranks = percentileRanks(points.map((p) => p.x))
    return { title: `${name} (percentile rank)`, points: points.map((p, i) => ({ ...p, x: ranks[i] })) }
  }
  const c = symlogConstant(points)
  const constant = c.toExponential(1).replace(/\.0e/, 'e').replace('e+', 'e')
  return { title: `${name} (symlog, c = ${constant})`, points: points.map((p) => ({ ...p, x: Math.sign(p.x) * Math.log10(1 + Math.abs(p.x) / c) })) }
}

/** (average rank - 0.5) / n * 100: ties share the mean of their ranks, as Spearman ranks them. */
function percentileRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b] || a - b)
  const ranks = new Array<number>(values.length)
  let start = 0
  while (start < order.length) {
    let end = start + 1
    while (end < order.length && values[order[end]] === values[order[start]]) end++
    const rank = (start + 1 + end) / 2
    for (let k = start; k < end; k++) ranks[order[k]] = ((rank - 0.5) / values.length) * 100
    start = end
  }
  return ranks
}

/** The smallest non-zero |x|: below it the axis is linear, above it logarithmic; 1 when all are zero. */
function symlogConstant(points: readonly ScatterPoint[]): number {
  let c = Number.POSITIVE_INFINITY
  for (const p of points) if (p.x !== 0 && Math.abs(p.x) < c) c = Math.abs(p.x)
  return Number.isFinite(c) ? c : 1
}
