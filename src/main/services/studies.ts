/**
 * The I/O half of `epsinas study`: the archs a study scores (a seeded sample of the archs that have
 * an accuracy: a study without accuracies has nothing to report) and their accuracies, from an
 * --accuracies file or the installed benchmark data, read the way `stats` reads them.
 */
import { existsSync } from 'node:fs'
import { SeededRandom } from '../core/random.ts'
import { computeEpsilonStats, type EpsilonStats } from '../core/stats/index.ts'
import { getSpace } from '../core/spaces/registry.ts'
import type { AccuracySplit } from '../benchmarks/accuracy-tables.ts'
import { spaceBenchmarkData } from '../benchmarks/space-data/index.ts'
import { openBenchmarkStore } from '../store/benchmarks.ts'
import type { SpaceId } from '../../shared/types.ts'
import { EpsinasError } from '../../shared/errors.ts'
import { readAccuraciesFile } from './score-files.ts'

/** What a study correlates with: its sample of archs, their accuracies aligned, and where they come from. */
export interface StudyTarget {
  archs: string[]
  accuracies: number[]
  /** Installed NB-NLP targets are losses (metric.md section 5). */
  lowerIsBetter: boolean
  /** Where the accuracies come from, one line. */
  source: string
  /** Archs with an accuracy the sample was drawn from. */
  candidates: number
}

export interface StudyTargetRequest {
  space: SpaceId
  dataset: string
  db: string
  /** An accuracies CSV (arch,accuracy); unset: the installed benchmark accuracies in `db`. */
  accuraciesFile?: string
  split?: AccuracySplit
  /** The archs to draw from (--archs FILE, already read); unset: every arch with an accuracy. */
  archs?: readonly string[]
  sample: number
  seed: number
}

/** The archs of the request with an accuracy, then a seeded sample of `sample` of them (all when fewer). */
export async function studyTarget(request: StudyTargetRequest): Promise<StudyTarget> {
  const { values, lowerIsBetter, source } = await accuraciesOf(request)
  const pool = request.archs ?? [...values.keys()]
  // Sorted before drawing: the sample of a seed must not depend on the order tables or files list archs.
  const candidates = [...new Set(pool)].filter((arch) => values.has(arch)).sort()
  if (candidates.length === 0) {
    throw new EpsinasError('BAD_FILE', request.archs ? `none of the --archs architectures has an accuracy in ${source}` : `no ${request.space} ${request.dataset} accuracies in ${source}`)
  }
  const picked = candidates.length <= request.sample ? candidates : new SeededRandom(request.seed).sampleWithoutReplacement(candidates.length, request.sample).sort((a, b) => a - b).map((i) => candidates[i])
  return { archs: picked, accuracies: picked.map((arch) => values.get(arch) as number), lowerIsBetter, source, candidates: candidates.length }
}

async function accuraciesOf(request: StudyTargetRequest): Promise<{ values: Map<string, number>; lowerIsBetter: boolean; source: string }> {
  const space = getSpace(request.space)
  if (request.accuraciesFile !== undefined) {
    const values = await readAccuraciesFile(request.accuraciesFile, { normalizeArch: (arch) => space.normalize(arch) })
    return { values, lowerIsBetter: false, source: request.accuraciesFile }
  }
  const target = spaceBenchmarkData(space.id).statsTarget
  if (!target) throw new EpsinasError('BAD_ARGUMENT', `no installed accuracies for the ${request.space} space; pass --accuracies FILE`)
  if (!target.datasets.includes(request.dataset)) {
    throw new EpsinasError('BAD_ARGUMENT', `--dataset ${request.dataset} has no installed ${request.space} accuracies: they are for ${target.datasets.join(', ')}`)
  }
  if (!existsSync(request.db)) throw new EpsinasError('BAD_FILE', `no installed ${request.space} accuracies: ${request.db} does not exist (see epsinas data, or pass --accuracies FILE)`)
  const candidates = request.archs ?? spaceBenchmarkData(space.id).installedArchs?.(request.db) ?? space.enumerate()
  if (candidates === null) throw new EpsinasError('BAD_ARGUMENT', `${space.title} cannot be enumerated: pass --archs FILE (one ${space.writtenForm} per line)`)
  const store = openBenchmarkStore(request.db, { readOnly: true })
  try {
    const { values, note } = target.values(store, request.dataset, request.split, candidates)
    // The note reads "accuracies: item ...": the caller prints its own label.
    return { values, lowerIsBetter: target.lowerIsBetter, source: note.replace(/^accuracies: /, '') }
  } finally {
    store.close()
  }
}

/** The section-5 statistics of one cell: epsilon of the target's archs (null: NaN or missing) against their accuracies. */
export function cellStats(target: StudyTarget, epsilonByArch: ReadonlyMap<string, number | null>): EpsilonStats {
  return computeEpsilonStats(target.archs.map((arch) => epsilonByArch.get(arch) ?? null), target.accuracies, { lowerIsBetter: target.lowerIsBetter })
}
