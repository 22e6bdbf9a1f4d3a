/** Number, size and time formatting shared by the pages (pure). */

/** 1.5 GB, 12.0 MB, 512 B. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`
}

/** 1 h 02 min, 3 min 10 s, 12 s; '—' when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—'
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`
}

/** A statistic with fixed digits; null (undefined statistic) as 'n/a'. */
export function formatStat(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits)
}

/** An epsilon score: 4 significant digits, NaN spelled out. */
export function formatScore(value: number | null): string {
  if (value === null) return 'NaN'
  return Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(3) : value.toPrecision(4)
}

/** A weight like 1e-7 or 10. */
export function formatWeight(value: number): string {
  const exponent = Math.log10(Math.abs(value))
  return Number.isInteger(exponent) && Math.abs(exponent) >= 3 ? `1e${exponent}` : String(value)
}

/** [1e-7, 1] */
export function formatPair(pair: readonly [number, number]): string {
  return `[${formatWeight(pair[0])}, ${formatWeight(pair[1])}]`
}

/** Percent with one decimal from a fraction. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`
}
