import { getSpace } from '../core/spaces/registry.ts'
import type { SearchSpace } from '../core/spaces/search-space.ts'
import { EpsinasError } from '../../shared/errors.ts'
import type { DatasetId, SpaceId } from '../../shared/types.ts'

/**
 * Archs counted between two turns of the event loop. A count builds the arch's network (about 1 ms
 * for NB201 and NB101 the first time; SearchSpace remembers it), so the main process serving the
 * Weights page never stalls for more than about 64 ms, even on a sweep of all 15,625 NB201 cells.
 * A count of archs rather than a clock, so the yielding is the same on every machine.
 */
export const ARCHS_PER_TURN = 64

/** Parameter counts aligned with the archs, null where the space cannot count one, with the first reason. */
export interface ArchParameterCounts {
  counts: Array<number | null>
  firstError: string | null
}

/**
 * Each arch's parameter count (SearchSpace.parameterCount), null where the space cannot count it
 * (an imported file that no longer parses: one arch without a count must not cost the others
 * theirs), with the first such reason; yields to the event loop every ARCHS_PER_TURN archs, for
 * callers in the main process.
 */
export async function archParameterCounts(spaceId: SpaceId, dataset: DatasetId, archs: readonly string[]): Promise<ArchParameterCounts> {
  const counter = countingInto(getSpace(spaceId), dataset)
  for (const arch of archs) {
    if (counter.result.counts.length > 0 && counter.result.counts.length % ARCHS_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve))
    counter.count(arch)
  }
  return counter.result
}

/** archParameterCounts without yielding, for the command line, where nothing else waits on the process. */
export function archParameterCountsNow(spaceId: SpaceId, dataset: DatasetId, archs: readonly string[]): ArchParameterCounts {
  const counter = countingInto(getSpace(spaceId), dataset)
  for (const arch of archs) counter.count(arch)
  return counter.result
}

function countingInto(space: SearchSpace, dataset: DatasetId): { result: ArchParameterCounts; count: (arch: string) => void } {
  const result: ArchParameterCounts = { counts: [], firstError: null }
  return {
    result,
    count(arch: string): void {
      try {
        result.counts.push(space.parameterCount(arch, dataset))
      } catch (error) {
        if (!(error instanceof EpsinasError)) throw error
        result.firstError ??= error.message
        result.counts.push(null)
      }
    },
  }
}
