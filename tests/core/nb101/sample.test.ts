import { describe, expect, test } from 'vitest'
import { SeededRandom } from '../../../src/main/core/random.ts'
import {
  NB101_MAX_EDGES,
  NB101_SIZE,
  buildNb101Network,
  edgeCount,
  nb101Hash,
  normalizeNb101Arch,
  parseNb101Spec,
  randomNb101Spec,
  sampleNb101Specs,
} from '../../../src/main/core/spaces/nb101/index.ts'
import { EpsinasError } from '../../../src/shared/errors.ts'
import { thrown } from './fixtures.ts'

describe('sampleNb101Specs', () => {
  const sample = sampleNb101Specs(200, 5)

  test('should give the same list for the same seed and another for another seed', () => {
    expect(sampleNb101Specs(200, 5)).toEqual(sample)
    expect(sampleNb101Specs(20, 6)).not.toEqual(sample.slice(0, 20))
    // A longer sample starts with the shorter one.
    expect(sampleNb101Specs(50, 5)).toEqual(sample.slice(0, 50))
  })

  test('should give valid, pruned, normalised specs with distinct module hashes', () => {
    for (const spec of sample) {
      expect(normalizeNb101Arch(spec)).toBe(spec)
      expect(edgeCount(parseNb101Spec(spec))).toBeLessThanOrEqual(NB101_MAX_EDGES)
    }
    expect(new Set(sample.map((spec) => nb101Hash(spec))).size).toBe(sample.length)
  })

  test('should cover the space: every size from 2 to 7 vertices, every op, and cells that truncate', () => {
    const sizes = new Set(sample.map((spec) => parseNb101Spec(spec).ops.length))
    expect([...sizes].sort()).toEqual([2, 3, 4, 5, 6, 7])
    const ops = new Set(sample.flatMap((spec) => parseNb101Spec(spec).ops))
    expect(ops.size).toBe(5)
    const truncating = sample.filter((spec) => buildNb101Network(spec, { batchSize: 2, stacks: 1, cellsPerStack: 1 }).nodes.some((n) => n.op.kind === 'channelslice'))
    expect(truncating.length).toBeGreaterThan(5)
  })

  test('should reject a size outside 0..423624 with BAD_ARGUMENT', () => {
    for (const count of [-1, NB101_SIZE + 1, 2.5]) {
      const error = thrown(() => sampleNb101Specs(count, 0)) as EpsinasError
      expect(error).toBeInstanceOf(EpsinasError)
      expect(error.code).toBe('BAD_ARGUMENT')
      expect(error.message).toBe(`a NAS-Bench-101 sample has 0 to ${NB101_SIZE} specs (got ${count})`)
    }
  })
})

describe('randomNb101Spec', () => {
  test('should draw from one generator stream reproducibly', () => {
    const a = new SeededRandom(9)
    const b = new SeededRandom(9)
    for (let k = 0; k < 20; k++) expect(randomNb101Spec(a)).toEqual(randomNb101Spec(b))
  })
})
