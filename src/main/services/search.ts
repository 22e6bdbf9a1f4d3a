/**
 * The I/O half of `epsinas search`: the accuracies as the search's oracle (installed, or an
 * --accuracies file) with the space's own mutation, and the guide scores (installed Suite-Zero
 * proxies here; epsilon comes from the score cache through a score job, run by the caller) aligned
 * with the oracle's archs.
 */
import { installedAccuracyTable, type InstalledAccuracyTable } from '../benchmarks/installed-accuracies.ts'
import { spaceBenchmarkData } from '../benchmarks/space-data/index.ts'
import { getSpace, type SearchSpace } from '../core/spaces/registry.ts'
import { drawnMutation, mutationOver, type GuideScores, type SearchProblem } from '../search/index.ts'
import { NO_GUIDE, type VariantPlan } from '../search/variants.ts'
import { listProxies, proxyKeys, type BenchmarkStore } from '../store/benchmarks.ts'
import { SUITE_ZERO_ACCURACY } from '../benchmarks/installed-accuracies.ts'
import { installedProxyColumns } from './ranking.ts'
import { studyTarget } from './studies.ts'
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
 * validation accuracy where installed (the reference: x-valid), else by the reported one. The archs
 * are `candidates` (an --archs file), else the installed or enumerated ones; archs the tables key
 * alike (NB101's isomorphic specs share a module hash) are one model: the first in sorted order stands for it.
 */
export function installedSearchProblem(store: BenchmarkStore, space: SpaceId, dataset: DatasetId, candidates?: readonly string[]): InstalledSearchProblem {
  const definition = getSpace(space)
  const reported = installedAccuracyTable(store, space, dataset)
  if (reported.source === null) throw new EpsinasError('BAD_FILE', `no installed ${space} ${dataset} accuracies in ${store.path} (see epsinas data list, or pass --accuracies FILE)`)
  const validation = installedAccuracyTable(store, space, dataset, 'valid')
  const selection: InstalledAccuracyTable = validation.source === null ? reported : validation
  const archs = installedModels(definition, store, dataset, reported, selection, candidates)
  if (archs.length === 0) throw new EpsinasError('BAD_FILE', `none of the --archs architectures has an installed ${space} ${dataset} accuracy in ${store.path}`)
  const column = (table: InstalledAccuracyTable): Float64Array => Float64Array.from(archs, (arch) => table.accuracies.get(definition.benchmarkKey(arch)) as number)
  return {
    problem: { archs, reportedAccuracy: column(reported), selectionAccuracy: column(selection), mutate: spaceMutation(definition, archs) },
    reported: reported.source.description,
    selection: (selection.source ?? reported.source).description,
  }
}

/**
 * One arch per installed model with both accuracies, sorted: a seed's run must not depend on how the
 * tables were written. Where arch ids are the tables' keys, the tables list the archs themselves;
 * else the installed benchmark's, the enumeration's, or the specs of the installed Suite-Zero keys.
 */
function installedModels(space: SearchSpace, store: BenchmarkStore, dataset: DatasetId, reported: InstalledAccuracyTable, selection: InstalledAccuracyTable, candidates?: readonly string[]): string[] {
  const suiteZeroSpecs = (): string[] | null => {
    const specs = proxyKeys(store, space.id, dataset).map((key) => key.spec)
    return specs.length === 0 ? null : specs
  }
  const pool = candidates ?? (space.hasBenchmarkKey ? (spaceBenchmarkData(space.id).installedArchs?.(store.path) ?? space.enumerate() ?? suiteZeroSpecs()) : [...reported.accuracies.keys()])
  if (pool === null) throw new EpsinasError('BAD_ARGUMENT', `${space.title} cannot be enumerated here: pass --archs FILE (one ${space.writtenForm} per line)`)
  const byModel = new Map<string, string>()
  for (const arch of [...pool].sort()) {
    const key = space.benchmarkKey(arch)
    if (!byModel.has(key) && reported.accuracies.has(key) && selection.accuracies.has(key)) byModel.set(key, arch)
  }
  return [...byModel.values()]
}

/** What `searchProblem` reads: the installed tables of `db`, or `accuraciesFile`; `archs` from --archs. */
export interface SearchProblemRequest {
  space: SpaceId
  dataset: DatasetId
  db: string
  accuraciesFile?: string
  archs?: readonly string[]
}

/**
 * The oracle of a search: the installed accuracy tables where the space has them (installedSearchProblem),
 * else what `epsinas study` correlates with (an --accuracies file, or the installed NB-NLP losses,
 * negated so that higher is better), which also selects the parents.
 */
export async function searchProblem(request: SearchProblemRequest, openTables: () => BenchmarkStore): Promise<InstalledSearchProblem> {
  if (request.accuraciesFile === undefined && spaceBenchmarkData(request.space).accuracies !== undefined) {
    const store = openTables()
    try {
      return installedSearchProblem(store, request.space, request.dataset, request.archs)
    } finally {
      store.close()
    }
  }
  const target = await studyTarget({ space: request.space, dataset: request.dataset, db: request.db, accuraciesFile: request.accuraciesFile, archs: request.archs, sample: Number.POSITIVE_INFINITY, seed: 0 })
  // A NaN accuracy (a diverged NB-NLP run) cannot be a best-so-far value: such archs are not in the space.
  const kept = target.archs.map((arch, i) => ({ arch, accuracy: target.lowerIsBetter ? -target.accuracies[i] : target.accuracies[i] })).filter(({ accuracy }) => Number.isFinite(accuracy))
  if (kept.length === 0) throw new EpsinasError('BAD_FILE', `none of the ${request.space} archs has a finite accuracy in ${target.source}`)
  const archs = kept.map(({ arch }) => arch)
  const accuracy = Float64Array.from(kept, ({ accuracy: value }) => value)
  const source = `${target.source}${target.lowerIsBetter ? ', negated' : ''}`
  return { problem: { archs, reportedAccuracy: accuracy, selectionAccuracy: accuracy, mutate: spaceMutation(getSpace(request.space), archs) }, reported: source, selection: source }
}

/**
 * The space's mutation over `archs`: its own draw where it has one (NB101), else one token changed
 * (SearchSpace.mutationTokens), else, with no structure, a uniform draw among the others.
 */
function spaceMutation(space: SearchSpace, archs: readonly string[]): SearchProblem['mutate'] {
  if (archs.length === 0 || space.mutationTokens(archs[0]) === null) return mutationOver(archs, null)
  const tokens = (arch: string): readonly string[] => space.mutationTokens(arch) as readonly string[]
  if (!space.hasMutate) return mutationOver(archs, tokens)
  return drawnMutation(archs, (arch, rng) => space.mutate(arch, rng) as string, tokens, (arch) => space.benchmarkKey(arch))
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
