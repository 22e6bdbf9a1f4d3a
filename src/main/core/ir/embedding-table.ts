import { SeededRandom } from '../random.ts'

/**
 * The values of the IR's `embedding` op: a [vocabulary, features] table, row-major, uniform in
 * [0, 1) from sfc32 seeded with `seed`, stored as float32. They are part of the op's definition
 * (every backend must see the same table), so they live with the IR. The embedding is the one layer
 * epsilon does not set to the constant weight (metric.md section 1: a constant embedding makes every
 * token the same input); the reference draws it with `nn.init.uniform_(encoder.weight, 0, 1)`.
 */

/** The few tables a run uses (one per embedding size), kept: the benchmark's is 10,000 x 400 (16 MB). */
const tables = new Map<string, Float32Array>()
const MAX_TABLES = 4

export function embeddingTable(vocabulary: number, features: number, seed: number): Float32Array {
  const key = `${vocabulary}x${features}@${seed}`
  let table = tables.get(key)
  if (!table) {
    const random = new SeededRandom(seed)
    table = new Float32Array(vocabulary * features)
    for (let k = 0; k < table.length; k++) table[k] = random.nextFloat()
    if (tables.size >= MAX_TABLES) tables.delete(tables.keys().next().value as string)
    tables.set(key, table)
  }
  return table
}
