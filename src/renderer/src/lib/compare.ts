/** Data shaping of the Compare page (pure): plotted points, configuration choices, CSV rows. */
import type { CompareResponse, JobView, ScoreConfigRequest } from '../../../shared/api.ts'
import type { ScatterPoint } from './charts/options.ts'
import { formatPair } from './format.ts'

/** A configuration the user can compare, from a score job. */
export interface ConfigChoice {
  key: string
  label: string
  config: ScoreConfigRequest
}

/** Distinct score configurations of the score jobs, newest first. */
export function configChoices(jobs: readonly JobView[]): ConfigChoice[] {
  const seen = new Map<string, ConfigChoice>()
  for (const job of [...jobs].filter((j) => j.kind === 'score').sort((a, b) => b.createdAt.localeCompare(a.createdAt))) {
    const c = job.config
    const config: ScoreConfigRequest = { space: c.space, dataset: c.dataset, input: c.input, inputSeed: c.inputSeed, batchSize: c.batchSize, weights: c.pairs[0], engine: c.engine, backend: c.backend }
    const key = JSON.stringify(config)
    if (!seen.has(key)) seen.set(key, { key, label: `${c.space}/${c.dataset} · ${c.input} · batch ${c.batchSize} · ${formatPair(c.pairs[0])} · ${c.engine}`, config })
  }
  return [...seen.values()]
}

/** Points of one proxy against accuracy: only rows where both are finite; colour = log10(params). */
export function proxyPoints(data: CompareResponse, scores: ReadonlyArray<number | null>): ScatterPoint[] {
  const points: ScatterPoint[] = []
  data.points.forEach((p, index) => {
    const x = scores[index]
    if (x === null || p.accuracy === null || !Number.isFinite(x)) return
    points.push({ x, y: p.accuracy, color: p.params !== null && p.params > 0 ? Math.log10(p.params) : null, index })
  })
  return points
}

/**
 * Points of one proxy against epsilon, where both are finite: the label-free view for a space
 * without accuracies (an imported one), so its native proxies still show. Colour as proxyPoints.
 */
export function proxyVsEpsilonPoints(data: CompareResponse, scores: ReadonlyArray<number | null>): ScatterPoint[] {
  const points: ScatterPoint[] = []
  data.points.forEach((p, index) => {
    const x = scores[index]
    if (x === null || p.epsilon === null || !Number.isFinite(x) || !Number.isFinite(p.epsilon)) return
    points.push({ x, y: p.epsilon, color: p.params !== null && p.params > 0 ? Math.log10(p.params) : null, index })
  })
  return points
}

/** A proxy's source, in words for the page. */
export function describeProxySource(proxy: CompareResponse['proxies'][number]): string {
  // The Suite-Zero description names its source already; a native one says how it was computed.
  return proxy.source === 'suite-zero' ? proxy.description : `native, ${proxy.description}`
}

/** Epsilon against accuracy (the paper's Figure 1). */
export function epsilonPoints(data: CompareResponse): ScatterPoint[] {
  return proxyPoints(
    data,
    data.points.map((p) => p.epsilon),
  )
}

/** Header and rows of the joined table, for CSV. */
export function compareCsvRows(data: CompareResponse): { header: string[]; rows: Array<Array<string | number | null>> } {
  const header = ['arch', 'epsilon', 'accuracy', 'params_m', ...data.proxies.map((p) => p.name)]
  const rows = data.points.map((p, i) => [p.arch, p.epsilon, p.accuracy, p.params, ...data.proxies.map((proxy) => proxy.scores[i])])
  return { header, rows }
}
