import { SeededRandom } from '../../random.ts'
import { EpsinasError } from '../../../../shared/errors.ts'
import { nb101Hash } from './hash.ts'
import { NB101_MAX_VERTICES, NB101_OPS, NB101_SIZE, type Nb101Label, type Nb101Spec, formatNb101Spec, parseNb101Spec } from './spec.ts'

/**
 * Seeded random specs, drawn as the official NASBench notebook's `random_spec` does: every
 * upper-triangular entry of a 7x7 matrix is an edge with probability 1/2, every inner vertex gets a
 * uniform op, and draws that are invalid (disconnected, more than 9 edges after pruning) are
 * rejected. The result is pruned (the form the network is built from).
 */
export function randomNb101Spec(random: SeededRandom): Nb101Spec {
  const v = NB101_MAX_VERTICES
  for (;;) {
    const matrix = Array.from({ length: v }, (_, i) => Array.from({ length: v }, (_, j) => (j > i ? random.nextInt(2) : 0)))
    const ops: Nb101Label[] = Array.from({ length: v }, (_, i) => (i === 0 ? 'input' : i === v - 1 ? 'output' : NB101_OPS[random.nextInt(NB101_OPS.length)]))
    try {
      return parseNb101Spec({ matrix, ops })
    } catch (error) {
      if (!(error instanceof EpsinasError && error.code === 'BAD_ARCH')) throw error
    }
  }
}

/**
 * `count` random specs with distinct module hashes (distinct benchmark graphs), as normalised spec
 * texts in draw order; the same seed always gives the same list.
 */
export function sampleNb101Specs(count: number, seed: number): string[] {
  if (!Number.isSafeInteger(count) || count < 0 || count > NB101_SIZE) {
    throw new EpsinasError('BAD_ARGUMENT', `a NAS-Bench-101 sample has 0 to ${NB101_SIZE} specs (got ${count})`)
  }
  const random = new SeededRandom(seed)
  const seen = new Set<string>()
  const out: string[] = []
  while (out.length < count) {
    const spec = randomNb101Spec(random)
    const hash = nb101Hash(spec)
    if (seen.has(hash)) continue
    seen.add(hash)
    out.push(formatNb101Spec(spec))
  }
  return out
}
