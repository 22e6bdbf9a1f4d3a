/** Benchmark ids in arch files (an NB201 index, an NB101 module hash) -> arch ids, each space by its own reader. */
import type { SpaceId } from '../../../shared/types.ts'
import { openBenchmarkStore, type BenchmarkStore } from '../../store/benchmarks.ts'
import type { BenchmarkIdReader } from '../arch-ids.ts'
import { spaceBenchmarkData } from './index.ts'

/** Turns benchmark ids (an NB201 index, an NB101 module hash) into arch ids, from the installed tables. */
export interface ArchIdResolver {
  /** The arch for `text` when it is a benchmark id, null when it is not one (an arch string or spec). */
  resolve(space: SpaceId, text: string): string | null
  close(): void
}

/**
 * A resolver over the benchmark tables of `database`, opened only when the first id is met (a
 * file of plain arch strings never touches it). Each space reads its own ids (its benchmark
 * data's `idReader`); a space without one has no benchmark ids. Unknown ids are BAD_ARCH naming
 * what to install.
 */
export function openArchIdResolver(database: string): ArchIdResolver {
  let store: BenchmarkStore | null = null
  const tables = (): BenchmarkStore => (store ??= openBenchmarkStore(database))
  const readers = new Map<SpaceId, BenchmarkIdReader | null>()
  return {
    resolve(space, text) {
      let reader = readers.get(space)
      if (reader === undefined) {
        reader = spaceBenchmarkData(space).idReader?.(tables, database) ?? null
        readers.set(space, reader)
      }
      return reader === null ? null : reader(text)
    },
    close() {
      store?.close()
    },
  }
}
