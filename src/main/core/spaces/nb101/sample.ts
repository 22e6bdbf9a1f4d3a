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
 * A set of hex hashes that keeps two 32-bit numbers per slot rather than the hash's text: the
 * hash's first 8 hex digits and the index it was added under (open addressing, at most half full:
 * 16 to 32 bytes per hash). `hashAt` gives the text of an index back, which settles two hashes that
 * share their first digits. A Set of the texts kept about 80 bytes per hash (34 MB for all 423,624
 * NB101 specs) beside the specs the caller keeps anyway.
 */
export class DistinctHashes {
  /** Index + 1 of the hash in each slot; 0: empty. */
  private slots = new Int32Array(1024)
  private prefixes = new Uint32Array(1024)
  private count = 0

  constructor(private readonly hashAt: (index: number) => string) {}

  get size(): number {
    return this.count
  }

  /** Adds `hash` under `index` and says true, or says false when an equal hash is already in. */
  addIfNew(hash: string, index: number): boolean {
    const prefix = Number.parseInt(hash.slice(0, 8), 16) >>> 0
    const mask = this.slots.length - 1
    let slot = prefix & mask
    for (; this.slots[slot] !== 0; slot = (slot + 1) & mask) {
      if (this.prefixes[slot] === prefix && this.hashAt(this.slots[slot] - 1) === hash) return false
    }
    this.slots[slot] = index + 1
    this.prefixes[slot] = prefix
    this.count++
    if (this.count * 2 > this.slots.length) this.grow()
    return true
  }

  /** Twice the slots, every entry placed again by its prefix (no hash is computed again). */
  private grow(): void {
    const { slots, prefixes } = this
    this.slots = new Int32Array(slots.length * 2)
    this.prefixes = new Uint32Array(slots.length * 2)
    const mask = this.slots.length - 1
    for (let old = 0; old < slots.length; old++) {
      if (slots[old] === 0) continue
      let slot = prefixes[old] & mask
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask
      this.slots[slot] = slots[old]
      this.prefixes[slot] = prefixes[old]
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
  const out: string[] = []
  // A drawn spec's hash is computed again from its text only when another shares its first digits.
  const seen = new DistinctHashes((index) => nb101Hash(out[index]))
  while (out.length < count) {
    const spec = randomNb101Spec(random)
    if (!seen.addIfNew(nb101Hash(spec), out.length)) continue
    out.push(formatNb101Spec(spec))
  }
  return out
}
