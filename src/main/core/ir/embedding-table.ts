import { SeededRandom } from '../random.ts'

/**
 * The values of the IR's `embedding` op: a [vocabulary, features] table, row-major, drawn from sfc32
 * seeded with `seed`, stored as float32. They are part of the op's definition (every backend must
 * see the same table), so they live with the IR. The embedding is the one layer epsilon does not set
 * to the constant weight (metric.md section 1: a constant embedding makes every token the same
 * input); the reference draws it with `nn.init.uniform_(encoder.weight, 0, 1)`, the default here.
 */

/**
 * The table's distribution (paper section 3.4 varies it, Table 10). Absent: uniform [0, 1), the
 * reference's, which stays the op's default so that today's networks, tables and keys are unchanged.
 */
export type EmbeddingInit =
  | { readonly distribution: 'uniform'; readonly low: number; readonly high: number }
  | { readonly distribution: 'normal'; readonly std: number }

/** How the init reads in a printed graph and in the table cache's key. */
export function describeEmbeddingInit(init: EmbeddingInit | undefined): string {
  if (init === undefined) return 'uniform[0, 1)'
  return init.distribution === 'uniform' ? `uniform[${init.low}, ${init.high})` : `normal(0, ${init.std})`
}

/** The few tables a run uses (one per embedding size), kept: the benchmark's is 10,000 x 400 (16 MB). */
const tables = new Map<string, Float32Array>()
const MAX_TABLES = 4

/**
 * Every variant draws from the same stream as the default (u = nextFloat(), z = nextNormal()) and
 * maps it in float64 before the one float32 rounding: U[a, b) is a + (b - a) u (the default's
 * 0 + 1 * u is u exactly), N(0, s) is s z.
 */
export function embeddingTable(vocabulary: number, features: number, seed: number, init?: EmbeddingInit): Float32Array {
  const key = `${vocabulary}x${features}@${seed}:${describeEmbeddingInit(init)}`
  let table = tables.get(key)
  if (!table) {
    const random = new SeededRandom(seed)
    table = new Float32Array(vocabulary * features)
    if (init?.distribution === 'normal') {
      for (let k = 0; k < table.length; k++) table[k] = init.std * random.nextNormal()
    } else {
      const low = init?.low ?? 0
      const span = (init?.high ?? 1) - low
      for (let k = 0; k < table.length; k++) table[k] = low + span * random.nextFloat()
    }
    if (tables.size >= MAX_TABLES) tables.delete(tables.keys().next().value as string)
    tables.set(key, table)
  }
  return table
}

/** The largest |value| of the op's table (the magnitude bound of ir/bound.ts): the range's end, or the drawn maximum of a normal table. */
export function embeddingBound(vocabulary: number, features: number, seed: number, init?: EmbeddingInit): number {
  if (init === undefined) return 1
  if (init.distribution === 'uniform') return Math.max(Math.abs(init.low), Math.abs(init.high))
  let bound = 0
  for (const value of embeddingTable(vocabulary, features, seed, init)) bound = Math.max(bound, Math.abs(value))
  return bound
}
