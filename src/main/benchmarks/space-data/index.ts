/**
 * What each search space knows about its installed benchmark data (tables in the store, arch files
 * in benchmark formats): the I/O half of a space, kept out of core/. A space with no benchmark data
 * registers nothing here and gets the generic behaviour (arch files of one written arch per line,
 * no installed accuracies). Adding a built-in space's data: its module here and one line below.
 */
import type { DatasetId, SpaceId } from '../../../shared/types.ts'
import { EpsinasError } from '../../../shared/errors.ts'
import type { BenchmarkStore } from '../../store/benchmarks.ts'
import type { AccuracySplit, SpaceAccuracies } from '../accuracy-tables.ts'
import type { BenchmarkIdReader } from '../arch-ids.ts'
import { nb201Data } from './nb201.ts'
import { nb101Data } from './nb101.ts'
import { nbnlpData } from './nbnlp.ts'
import { natsSssData } from './natssss.ts'

/** The installed values `epsinas stats` correlates scores with by default. */
export interface StatsTarget {
  /** Datasets (and text corpora) the installed values exist for. */
  datasets: readonly string[]
  /** The values are losses: the statistics negate them. */
  lowerIsBetter: boolean
  /** Values of `archs` (absent archs are simply missing), with one line naming where they come from; BAD_FILE when none are installed. */
  values(store: BenchmarkStore, dataset: string, split: AccuracySplit | undefined, archs: Iterable<string>): { values: Map<string, number>; note: string }
}

/** One space's benchmark data; every member is optional. */
export interface SpaceBenchmarkData {
  space: SpaceId
  /** Every arch in the benchmark's own order from the installed tables of `database`, or null when not installed. */
  installedArchs?(database: string): string[] | null
  /** Why "every arch" cannot be had when the space has no enumeration and installedArchs gave null. */
  allArchsUnavailable?(database: string): string
  /** Reads the space's benchmark ids in arch files (tables opened on first use). */
  idReader?(tables: () => BenchmarkStore, database: string): BenchmarkIdReader
  /** Reads `--archs PATH` in the space's own file forms, instead of one written arch per line. */
  readArchs?(path: string): Promise<string[]>
  /** Installed accuracies keyed by the space's benchmark key (SearchSpace.benchmarkKey). */
  accuracies?: SpaceAccuracies
  /** What `stats` compares with when no --accuracies file is given. */
  statsTarget?: StatsTarget
  /** Parameter counts (millions) by arch, for the Compare page's colours; empty when not installed. */
  parameters?(store: BenchmarkStore, dataset: DatasetId): Map<string, { params: number | null }>
}

/** The built-in spaces' data, one line each. */
const BUILT_IN_DATA: readonly SpaceBenchmarkData[] = [nb201Data, nb101Data, nbnlpData, natsSssData]

const registered = new Map<SpaceId, SpaceBenchmarkData>()

/** Adds a space's benchmark data (the built-ins come through here too); one per space. */
export function registerSpaceBenchmarkData(data: SpaceBenchmarkData): void {
  if (registered.has(data.space)) throw new EpsinasError('BAD_ARGUMENT', `benchmark data of search space ${data.space} is already registered`)
  registered.set(data.space, data)
}

for (const data of BUILT_IN_DATA) registerSpaceBenchmarkData(data)

/** The benchmark data of a space; a space without any gets an empty record (the generic behaviour). */
export function spaceBenchmarkData(space: SpaceId): SpaceBenchmarkData {
  return registered.get(space) ?? { space }
}
