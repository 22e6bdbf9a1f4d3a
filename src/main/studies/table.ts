/**
 * A study's table from the statistics of its cells: one row per plan row, the paper's values beside
 * ours; rows of several cells (batch repeats) give the median of each statistic with the quartiles of
 * Spearman and Kendall, as the paper's Figure 4 plots them. Pure.
 */
import { percentile, type EpsilonStats } from '../core/stats/index.ts'
import type { PaperRow } from './paper.ts'
import type { StudyPlan } from './plan.ts'

export const STAT_KEYS = ['spearman', 'spearman_top10', 'kendall', 'kendall_top10', 'top10_top10', 'top64_top5'] as const
export type StatKey = (typeof STAT_KEYS)[number]

/** One row of a study's result. */
export interface StudyRowResult {
  key: string
  label: string
  /** Cells scored (batch repeats); 0 for an unavailable row. */
  cells: number
  /** Median over the cells of the archs used (score and accuracy finite) and of those dropped. */
  n: number | null
  nan: number | null
  /** Median over the cells of each statistic; null where undefined (too few archs) or unavailable. */
  stats: Record<StatKey, number | null>
  /** With more than one cell: [q25, q75] of Spearman and Kendall over the cells. */
  quartiles: { spearman: [number, number] | null; kendall: [number, number] | null } | null
  /** Each cell's statistics, for a plot. */
  perCell: EpsilonStats[]
  paper: PaperRow | null
  unavailable?: string
}

function finite(values: ReadonlyArray<number | null>): number[] {
  return values.filter((value): value is number => value !== null && Number.isFinite(value))
}

function medianOrNull(values: ReadonlyArray<number | null>): number | null {
  const kept = finite(values)
  return kept.length === 0 ? null : percentile(kept, 50)
}

/** [q25, q75] of the defined values; null when none is (e.g. every batch gave one epsilon to all archs). */
function quartilesOf(values: ReadonlyArray<number | null>): [number, number] | null {
  const kept = finite(values)
  return kept.length === 0 ? null : [percentile(kept, 25), percentile(kept, 75)]
}

/** The rows of a study: `cellStats[r][c]` are the statistics of cell c of plan row r. */
export function buildStudyRows(plan: StudyPlan, cellStats: ReadonlyArray<readonly EpsilonStats[]>): StudyRowResult[] {
  return plan.rows.map((row, r) => {
    const cells = cellStats[r] ?? []
    if (cells.length !== row.cells.length) throw new Error(`study row ${row.key}: ${cells.length} results for ${row.cells.length} cells`)
    const stats = Object.fromEntries(STAT_KEYS.map((key) => [key, medianOrNull(cells.map((cell) => cell[key]))])) as Record<StatKey, number | null>
    return {
      key: row.key,
      label: row.label,
      cells: cells.length,
      n: medianOrNull(cells.map((cell) => cell.n)),
      nan: medianOrNull(cells.map((cell) => cell.nan)),
      stats,
      quartiles: cells.length > 1 ? { spearman: quartilesOf(cells.map((c) => c.spearman)), kendall: quartilesOf(cells.map((c) => c.kendall)) } : null,
      perCell: [...cells],
      paper: row.paper,
      ...(row.unavailable === undefined ? {} : { unavailable: row.unavailable }),
    }
  })
}

const HEADERS: Record<StatKey, string> = { spearman: 'rho', spearman_top10: 'rho top10%', kendall: 'tau', kendall_top10: 'tau top10%', top10_top10: 'top10%/top10%', top64_top5: 'top64/top5%' }

function digits(key: StatKey): number {
  return key === 'top64_top5' ? 0 : key === 'top10_top10' ? 1 : 2
}

function formatValue(value: number | null, key: StatKey): string {
  return value === null ? 'n/a' : value.toFixed(digits(key))
}

/** "ours (paper)", or "ours [q25, q75] (paper)" for a row of repeats. */
function statCell(row: StudyRowResult, key: StatKey): string {
  if (row.unavailable !== undefined) return row.paper ? `- (${formatValue(row.paper[key], key)})` : '-'
  const quartiles = key === 'spearman' || key === 'kendall' ? row.quartiles?.[key] : null
  const spread = quartiles ? ` [${quartiles.map((v) => v.toFixed(2)).join(', ')}]` : ''
  const paper = row.paper ? ` (${formatValue(row.paper[key], key)})` : ''
  return `${formatValue(row.stats[key], key)}${spread}${paper}`
}

/**
 * The table as text: a row per plan row, the paper's values in brackets (as the paper puts the
 * originals of its Table 1), unavailable rows marked '-' with their reason below.
 */
export function formatStudyTable(rows: readonly StudyRowResult[]): string {
  const withPaper = rows.some((row) => row.paper !== null)
  const archs = (row: StudyRowResult): string => {
    const ours = row.n === null ? '-' : String(Math.round(row.n))
    return row.paper?.archs != null ? `${ours} (${row.paper.archs})` : ours
  }
  const header = ['', withPaper ? 'n (paper)' : 'n', 'NaN', ...STAT_KEYS.map((key) => HEADERS[key])]
  const lines = rows.map((row) => [row.label, archs(row), row.nan === null ? '-' : String(Math.round(row.nan)), ...STAT_KEYS.map((key) => statCell(row, key))])
  const table = [header, ...lines]
  const widths = header.map((_, c) => Math.max(...table.map((cells) => cells[c].length)))
  const text = table.map((cells) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd())
  const reasons = rows.filter((row) => row.unavailable !== undefined).map((row) => `- ${row.label}: ${row.unavailable}`)
  return [...text, ...reasons].join('\n')
}
