/** Heatmap cells and metric choices of the Weights page (pure). */
import type { SweepResultView } from '../../../shared/api.ts'
import type { HeatCell } from './charts/options.ts'

/** A quantity the heatmap can show. */
export interface SweepMetric {
  id: string
  label: string
  min: number
  max: number
  lowerIsBetter: boolean
  /** Needs accuracies (statistics per pair). */
  needsAccuracies: boolean
}

/** The heatmap's choices: NaN fraction always, correlations when the sweep had accuracies. */
export const SWEEP_METRICS: readonly SweepMetric[] = [
  { id: 'nan', label: 'NaN fraction', min: 0, max: 1, lowerIsBetter: true, needsAccuracies: false },
  { id: 'spearman', label: 'Spearman rho', min: -1, max: 1, lowerIsBetter: false, needsAccuracies: true },
  { id: 'kendall', label: 'Kendall tau', min: -1, max: 1, lowerIsBetter: false, needsAccuracies: true },
  { id: 'top10_top10', label: 'top-10% in top-10% (%)', min: 0, max: 100, lowerIsBetter: false, needsAccuracies: true },
]

/** NaN scores over scored architectures of one pair (failed ones excluded). */
export function nanFraction(result: SweepResultView): number {
  return result.n === 0 ? 1 : result.nan / result.n
}

/** One cell per pair of the sweep for the metric. */
export function heatCells(results: readonly SweepResultView[], metric: string): HeatCell[] {
  return results.map((r) => ({
    low: r.exponents[0],
    high: r.exponents[1],
    value: metric === 'nan' ? nanFraction(r) : (r.stats?.[metric] ?? null),
  }))
}

/** Exponent grid text ("-7..1" or "-3,-2,0") to the list of integers, or null when unreadable. */
export function parseExponents(text: string): number[] | null {
  const range = /^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$/.exec(text)
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])]
    if (b <= a || b - a > 39) return null
    return Array.from({ length: b - a + 1 }, (_, i) => a + i)
  }
  const parts = text.split(/[\s,]+/).filter(Boolean).map(Number)
  if (parts.length < 2 || parts.some((p) => !Number.isInteger(p))) return null
  return [...new Set(parts)].sort((x, y) => x - y)
}
