/** The Studies page's pure parts: the search form as a studies:search request, the study picker, a stored study's table cells and plot (tested without a browser). */
import type { JobView, ScoreConfigRequest, SearchStudyRequest, StoredStudyRowView, StoredStudyView, StudyStatKey } from '../../../shared/api.ts'
import type { EChartsCoreOption } from './charts/echarts.ts'
import { TOOLTIP_RENDER_MODE } from './charts/options.ts'
import type { DatasetId, SpaceId } from '../../../shared/types.ts'
import { configChoices, type ConfigChoice } from './compare.ts'

/** What the form holds; the guides are comma-separated as on the command line. */
export interface StudyForm {
  space: SpaceId
  dataset: DatasetId
  random: boolean
  evolution: boolean
  warmups: string
  moves: string
  budget: number
  repeats: number
  seed: number
  pool: number
  /** Key of the score run epsilon is read from ('' : none chosen). */
  epsilonRun: string
}

/** The paper's settings (section 2.2): both algorithms, plain and with an epsilon warm-up, budget 300, 100 repeats. */
export const DEFAULT_STUDY_FORM: Omit<StudyForm, 'space' | 'dataset'> = { random: true, evolution: true, warmups: 'none,epsilon', moves: 'none', budget: 300, repeats: 100, seed: 0, pool: 3000, epsilonRun: '' }

/** Score runs of the study's space and dataset: where epsilon can be read from. */
export function epsilonRuns(jobs: readonly JobView[], space: SpaceId, dataset: DatasetId): ConfigChoice[] {
  return configChoices(jobs).filter((choice) => choice.config.space === space && choice.config.dataset === dataset)
}

function list(text: string): string[] {
  return [...new Set(text.split(',').map((item) => item.trim()).filter((item) => item !== ''))]
}

/** The request, or why it cannot be sent yet. */
export function studyRequest(form: StudyForm, runs: readonly ConfigChoice[]): { ok: true; request: SearchStudyRequest } | { ok: false; reason: string } {
  const algorithms = [...(form.random ? (['random'] as const) : []), ...(form.evolution ? (['evolution'] as const) : [])]
  if (algorithms.length === 0) return { ok: false, reason: 'Choose random search, evolution or both.' }
  const warmups = list(form.warmups)
  const moves = list(form.moves)
  if (warmups.length === 0 || moves.length === 0) return { ok: false, reason: 'Name at least one warm-up and one move guide (none for plain).' }
  const epsilon: ScoreConfigRequest | undefined = runs.find((run) => run.key === form.epsilonRun)?.config
  if ([...warmups, ...moves].includes('epsilon') && epsilon === undefined) return { ok: false, reason: 'An epsilon guide reads a score run of this space and dataset: choose one (or start one on the Runs page).' }
  const request: SearchStudyRequest = { space: form.space, dataset: form.dataset, algorithms, warmups, moves, budget: form.budget, repeats: form.repeats, seed: form.seed, pool: form.pool, warmupSteps: 64 }
  if (epsilon !== undefined) request.epsilon = epsilon
  return { ok: true, request }
}

// ---------------------------------------------------------------------------------------------
// The study picker: the search simulation, or a stored `epsinas study` table with its plot.

/** The picker's value for the search simulation (stored studies are picked by their id). */
export const SEARCH_STUDY = 'search'

/** The picker's entries: the search simulation first, then every stored study, newest first (as listed). */
export function studyChoices(stored: readonly StoredStudyView[]): Array<{ value: string; label: string }> {
  return [
    { value: SEARCH_STUDY, label: 'Search simulation (random search, ageing evolution)' },
    ...stored.map((study) => ({
      value: study.id,
      label: `${study.study}: ${study.space}/${study.dataset}, ${study.sample.size} archs${study.paper ? `, ${study.paper.table}` : ''} (${study.savedAt.slice(0, 16).replace('T', ' ')})`,
    })),
  ]
}

/** The columns of a study table (metric.md section 5), with the digits `epsinas study` prints. */
export const STUDY_STATS: ReadonlyArray<{ key: StudyStatKey; label: string; digits: number }> = [
  { key: 'spearman', label: 'ρ', digits: 2 },
  { key: 'spearman_top10', label: 'ρ top 10%', digits: 2 },
  { key: 'kendall', label: 'τ', digits: 2 },
  { key: 'kendall_top10', label: 'τ top 10%', digits: 2 },
  { key: 'top10_top10', label: 'top-10%/top-10%', digits: 1 },
  { key: 'top64_top5', label: 'top-64/top-5%', digits: 0 },
]

function formatted(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits)
}

/** One table cell: ours ('-' for a row not computed here) and the paper's value, when it has one. */
export function studyCell(row: StoredStudyRowView, key: StudyStatKey, digits: number): { ours: string; paper: string | null } {
  return { ours: row.unavailable !== undefined ? '-' : formatted(row.stats[key], digits), paper: row.paper ? formatted(row.paper[key], digits) : null }
}

/**
 * The plot of a stored study: Spearman's rho per row, ours (with the quartiles of the repeats where a
 * row has several cells, the batch study) beside the paper's where it has a value. Lines over the
 * rows in the table's order (the batch sizes, the weight pairs, the schemes).
 */
export function studyPlotOption(study: StoredStudyView): EChartsCoreOption {
  const labels = study.rows.map((row) => row.label)
  const ours = study.rows.map((row) => (row.unavailable !== undefined ? null : row.stats.spearman))
  const series: Array<Record<string, unknown>> = [{ name: 'ours', type: 'line', data: ours, symbol: 'circle', symbolSize: 8, itemStyle: { color: '#3b6ea8' }, connectNulls: false }]
  if (study.rows.some((row) => row.quartiles?.spearman)) {
    series.push({ name: 'ours q25-q75', type: 'line', data: study.rows.map((row) => row.quartiles?.spearman?.[0] ?? null), symbol: 'none', lineStyle: { type: 'dashed', color: '#3b6ea8', opacity: 0.5 }, itemStyle: { color: '#3b6ea8' } })
    series.push({ name: 'ours q25-q75', type: 'line', data: study.rows.map((row) => row.quartiles?.spearman?.[1] ?? null), symbol: 'none', lineStyle: { type: 'dashed', color: '#3b6ea8', opacity: 0.5 }, itemStyle: { color: '#3b6ea8' } })
  }
  if (study.rows.some((row) => row.paper !== null)) {
    series.push({ name: `paper (${study.paper?.table ?? 'paper'})`, type: 'line', data: study.rows.map((row) => row.paper?.spearman ?? null), symbol: 'diamond', symbolSize: 9, itemStyle: { color: '#d1495b' }, lineStyle: { type: 'dotted', color: '#d1495b' } })
  }
  return {
    animation: false,
    tooltip: { trigger: 'axis', renderMode: TOOLTIP_RENDER_MODE, valueFormatter: (value: unknown) => (typeof value === 'number' ? value.toFixed(2) : 'n/a') },
    legend: { bottom: 0 },
    grid: { left: 56, right: 16, top: 16, bottom: 96, containLabel: false },
    xAxis: { type: 'category', data: labels, axisLabel: { rotate: labels.some((l) => l.length > 12) ? 20 : 0, interval: 0 } },
    yAxis: { type: 'value', name: 'Spearman ρ', min: -1, max: 1 },
    series,
  }
}
