/**
 * Parameter counts of scored architectures for the Compare page's colours, from any source:
 * NAS-Bench-Suite-Zero's `params` proxy, else the space's installed cost table (NATS-Bench), else
 * counted from the arch's network (SearchSpace.parameterCount), so every space, imported ones
 * included, gets a colour without installing anything.
 */
import { spaceBenchmarkData } from '../benchmarks/space-data/index.ts'
import { getSpace } from '../core/spaces/registry.ts'
import { proxyScores, type BenchmarkStore } from '../store/benchmarks.ts'
import { archParameterCounts } from './arch-parameters.ts'
import type { DatasetId, SpaceId } from '../../shared/types.ts'

/** Suite-Zero's proxy holding each arch's parameter count, in millions. */
export const SUITE_ZERO_PARAMS = 'params'

/** Parameters in millions aligned with the archs (null: no source has the arch) and the sources used. */
export interface PointParameters {
  params: Array<number | null>
  /** The sources with how many archs each gave, e.g. "NAS-Bench-Suite-Zero params (725)"; null when none. */
  source: string | null
}

/** One source: its name for people and a lookup by arch index. */
interface ParameterSource {
  name: string
  lookup: (index: number) => number | null
}

/**
 * The parameter count of every arch, in millions, from the first source that has it.
 * `keys` are the archs' benchmark ids (Suite-Zero's rows are keyed by them, e.g. NB101 module hashes).
 */
export async function pointParameters(benchmarks: BenchmarkStore, spaceId: SpaceId, dataset: DatasetId, archs: readonly string[], keys: readonly string[]): Promise<PointParameters> {
  const space = getSpace(spaceId)
  const suiteZero = proxyScores(benchmarks, spaceId, dataset, SUITE_ZERO_PARAMS)
  const costs = spaceBenchmarkData(spaceId).parameters?.(benchmarks, dataset) ?? new Map<string, { params: number | null }>()
  const counted = await countedMillions(spaceId, dataset, archs.filter((arch, i) => usable(suiteZero.get(keys[i]) ?? null) === null && usable(costs.get(arch)?.params ?? null) === null))
  const sources: ParameterSource[] = [
    { name: 'NAS-Bench-Suite-Zero params', lookup: (i) => usable(suiteZero.get(keys[i]) ?? null) },
    { name: `${space.title} cost table`, lookup: (i) => usable(costs.get(archs[i])?.params ?? null) },
    { name: 'counted from each network', lookup: (i) => counted.get(archs[i]) ?? null },
  ]
  const used = sources.map(() => 0)
  const params = archs.map((_, i) => {
    for (const [s, source] of sources.entries()) {
      const value = source.lookup(i)
      if (value !== null) {
        used[s]++
        return value
      }
    }
    return null
  })
  const named = sources.flatMap((source, s) => (used[s] > 0 ? [`${source.name} (${used[s]})`] : []))
  return { params, source: named.length > 0 ? named.join(', ') : null }
}

/** A count is usable when positive and finite (Suite-Zero writes NaN where it has none). */
function usable(value: number | null): number | null {
  return value !== null && Number.isFinite(value) && value > 0 ? value : null
}

/** SearchSpace.parameterCount in millions for each arch (it remembers its counts); null where the network cannot be built. */
async function countedMillions(spaceId: SpaceId, dataset: DatasetId, archs: readonly string[]): Promise<Map<string, number | null>> {
  const { counts } = await archParameterCounts(spaceId, dataset, archs)
  return new Map(archs.map((arch, i) => [arch, counts[i] === null ? null : (counts[i] as number) / 1e6]))
}
