/**
 * The I/O half of `epsinas search`: the installed accuracies as the search's oracle, and the guide
 * scores (installed Suite-Zero proxies here; epsilon comes from the score cache through a score job,
 * run by the caller) aligned with the oracle's archs.
 */
import { installedAccuracyTable, type InstalledAccuracyTable } from '../benchmarks/installed-accuracies.ts'
import { archTokens, SEARCHABLE_SPACES } from '../search/arch-tokens.ts'
import { editDistanceNeighbours, type GuideScores, type SearchProblem } from '../search/index.ts'
import { NO_GUIDE, type VariantPlan } from '../search/variants.ts'
import { listProxies, type BenchmarkStore } from '../store/benchmarks.ts'
import { SUITE_ZERO_ACCURACY } from '../benchmarks/installed-accuracies.ts'
import { installedProxyColumns } from './ranking.ts'
import type { DatasetId, SpaceId } from '../../shared/types.ts'
import { EpsinasError } from '../../shared/errors.ts'

/** The oracle with what it was read from. */
export interface InstalledSearchProblem {
  problem: SearchProblem
  /** What the curve reports and what parents are chosen by, one line each. */
  reported: string
  selection: string
}

/**
 * The archs with installed accuracies are the space: the curve reports the installed accuracy the
 * way `stats` reads it (trained test, else Suite-Zero validation), parents are chosen by the
 * validation accuracy where installed (the reference: x-valid), else by the reported one.
 */
export function installedSearchProblem(store: BenchmarkStore, space: SpaceId, dataset: DatasetId): InstalledSearchProblem {
  const tokens = archTokens(space)
  if (tokens === null) throw new EpsinasError('BAD_ARGUMENT', `epsinas search runs on ${SEARCHABLE_SPACES.join(', ')} (spaces with a one-token mutation), not ${space}`)
  const reported = installedAccuracyTable(store, space, dataset)
  if (reported.source === null) throw new EpsinasError('BAD_FILE', `no installed ${space} ${dataset} accuracies in ${store.path} (see epsinas data list)`)
  const validation = installedAccuracyTable(store, space, dataset, 'valid')
  const selection: InstalledAccuracyTable = validation.source === null ? reported : validation
  // Sorted: the space's order must not depend on how the tables were written, or a seed's run would.
  const archs = [...reported.accuracies.keys()].filter((arch) => selection.accuracies.has(arch)).sort()
  const column = (table: InstalledAccuracyTable): Float64Array => Float64Array.from(archs, (arch) => table.accuracies.get(arch) as number)
  return {
    problem: { archs, reportedAccuracy: column(reported), selectionAccuracy: column(selection), neighbours: editDistanceNeighbours(archs, tokens) },
    reported: reported.source.description,
    selection: (selection.source ?? reported.source).description,
  }
}

/** Scores aligned with `archs`, higher better; NaN and unscored archs become -Infinity: they rank last. */
export function guideOf(archs: readonly string[], scores: ReadonlyArray<number | null>): GuideScores {
  return Float64Array.from(archs, (_, i) => {
    const value = scores[i]
    return value === null || value === undefined || !Number.isFinite(value) ? Number.NEGATIVE_INFINITY : value
  })
}

/** An installed Suite-Zero proxy as a guide; BAD_ARGUMENT naming the installed ones when it is not there. */
export function installedProxyGuide(store: BenchmarkStore, space: SpaceId, dataset: DatasetId, archs: readonly string[], name: string): { guide: GuideScores; scored: number } {
  const installed = listProxies(store, space, dataset).filter((proxy) => proxy !== SUITE_ZERO_ACCURACY)
  if (name === SUITE_ZERO_ACCURACY) throw new EpsinasError('BAD_ARGUMENT', `${name} is an accuracy, not a label-free proxy`)
  if (!installed.includes(name)) {
    throw new EpsinasError('BAD_ARGUMENT', `${name} is not epsilon, none or a proxy installed for ${space} ${dataset} in ${store.path} (installed: ${installed.length === 0 ? 'none; see epsinas data' : installed.join(', ')})`)
  }
  const [column] = installedProxyColumns(store, space, dataset, archs, [name])
  const guide = guideOf(archs, column.values)
  return { guide, scored: guide.filter((value) => value !== Number.NEGATIVE_INFINITY).length }
}

/** The guide named epsilon: the score cache's, not an installed proxy. */
export const EPSILON_GUIDE = 'epsilon'

/** Every guide the plans name (warm-up or move), none left out, each once. */
export function guideNames(plans: readonly VariantPlan[]): string[] {
  return [...new Set(plans.flatMap((plan) => [plan.warmup, plan.move]))].filter((name) => name !== NO_GUIDE)
}

/**
 * Every installed proxy among `names` (epsilon aside) as a guide over `archs`, read before any
 * epsilon is scored so that a name typed wrong is refused at once; a note when one leaves archs unscored.
 */
export function installedProxyGuides(store: BenchmarkStore, space: SpaceId, dataset: DatasetId, archs: readonly string[], names: readonly string[], notes: string[]): Map<string, GuideScores> {
  const guides = new Map<string, GuideScores>()
  for (const name of names) {
    if (name === EPSILON_GUIDE) continue
    const { guide, scored } = installedProxyGuide(store, space, dataset, archs, name)
    if (scored < archs.length) notes.push(`${name}: ${archs.length - scored} of ${archs.length} archs NaN or unscored, ranked last`)
    guides.set(name, guide)
  }
  return guides
}
