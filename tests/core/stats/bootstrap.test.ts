import { describe, expect, test } from 'vitest'
import { SeededRandom } from '../../../src/main/core/random.ts'
import { bootstrapCorrelationIntervals, CountedPairs, kendallTauB, spearman } from '../../../src/main/core/stats/index.ts'

/** n archs: y = x + noise, with ties in both (values rounded), from one seed. */
function noisyPairs(n: number, seed: number): { x: number[]; y: number[] } {
  const random = new SeededRandom(seed)
  const x = Array.from({ length: n }, () => Math.round(random.nextFloat() * 50))
  const y = x.map((v) => Math.round(v + random.nextNormal() * 15))
  return { x, y }
}

/** The sample that holds pair i counts[i] times. */
function materialise(values: readonly number[], counts: readonly number[]): number[] {
  return values.flatMap((v, i) => Array.from({ length: counts[i] }, () => v))
}

describe('CountedPairs', () => {
  test('gives hand-worked values for a sample with a repeated pair (x 1,2,3,3; y 1,3,2,2)', () => {
    const pairs = new CountedPairs([1, 2, 3], [1, 3, 2])
    const { spearman: rho, kendall: tau } = pairs.correlations([1, 1, 2])
    // Ranks x 1,2,3.5,3.5 and y 1,4,2.5,2.5 about 2.5: sxy 1.5, sxx = syy = 4.5.
    expect(rho).toBeCloseTo(1 / 3, 14)
    // Concordant 3, discordant 2, one x tie and one y tie (the same pair) of 6: 1 / sqrt(5 * 5).
    expect(tau).toBeCloseTo(0.2, 14)
  })

  test('agrees with spearman and kendallTauB of the materialised sample on tied data, zero counts included', () => {
    const random = new SeededRandom(7)
    for (let trial = 0; trial < 20; trial++) {
      const { x, y } = noisyPairs(60, trial)
      const counts = Array.from({ length: 60 }, () => random.nextInt(4))
      const { spearman: rho, kendall: tau } = new CountedPairs(x, y).correlations(counts)
      expect(rho).toBeCloseTo(spearman(materialise(x, counts), materialise(y, counts)), 12)
      expect(tau).toBeCloseTo(kendallTauB(materialise(x, counts), materialise(y, counts)), 12)
    }
  })

  test('is NaN when the sample holds one value of a variable', () => {
    const { spearman: rho, kendall: tau } = new CountedPairs([1, 2, 3], [4, 5, 6]).correlations([0, 3, 0])
    expect(rho).toBeNaN()
    expect(tau).toBeNaN()
  })
})

describe('bootstrapCorrelationIntervals', () => {
  test('contains the point estimates and names its level, resamples and seed', () => {
    const { x, y } = noisyPairs(300, 1)
    const intervals = bootstrapCorrelationIntervals(x, y)
    expect(intervals).toMatchObject({ level: 0.95, resamples: 1000, seed: 0 })
    const [rhoLow, rhoHigh] = intervals.spearman ?? [Number.NaN, Number.NaN]
    const [tauLow, tauHigh] = intervals.kendall ?? [Number.NaN, Number.NaN]
    expect(rhoLow).toBeLessThan(spearman(x, y))
    expect(rhoHigh).toBeGreaterThan(spearman(x, y))
    expect(tauLow).toBeLessThan(kendallTauB(x, y))
    expect(tauHigh).toBeGreaterThan(kendallTauB(x, y))
    expect(rhoHigh - rhoLow).toBeLessThan(0.2)
  })

  test('shrinks with n about as 1 / sqrt(n)', () => {
    const width = (n: number): number => {
      const { x, y } = noisyPairs(n, 2)
      const [low, high] = bootstrapCorrelationIntervals(x, y).spearman ?? [Number.NaN, Number.NaN]
      return high - low
    }
    const ratio = width(100) / width(1600)
    // sqrt(1600 / 100) = 4; sampling noise of two intervals keeps it within a factor 1.5 of that.
    expect(ratio).toBeGreaterThan(4 / 1.5)
    expect(ratio).toBeLessThan(4 * 1.5)
  })

  test('gives the same interval for the same seed and another one for another seed', () => {
    const { x, y } = noisyPairs(200, 3)
    expect(bootstrapCorrelationIntervals(x, y, { seed: 5 })).toEqual(bootstrapCorrelationIntervals(x, y, { seed: 5 }))
    expect(bootstrapCorrelationIntervals(x, y, { seed: 5 }).spearman).not.toEqual(bootstrapCorrelationIntervals(x, y, { seed: 6 }).spearman)
  })

  test('is [1, 1] for a perfect ranking and null where the statistic is undefined', () => {
    const intervals = bootstrapCorrelationIntervals([1, 2, 3, 4, 5], [10, 20, 30, 40, 50], { resamples: 200 })
    for (const bound of [...(intervals.spearman ?? []), ...(intervals.kendall ?? [])]) expect(bound).toBeCloseTo(1, 14)
    expect(intervals.kendall).toHaveLength(2)
    const constant = bootstrapCorrelationIntervals([1, 2, 3], [7, 7, 7])
    expect(constant.spearman).toBeNull()
    expect(constant.kendall).toBeNull()
    expect(bootstrapCorrelationIntervals([], []).spearman).toBeNull()
  })

  test('refuses a level outside (0, 1) with one line naming it', () => {
    expect(() => bootstrapCorrelationIntervals([1, 2], [1, 2], { level: 95 })).toThrow(/bootstrap level must be in \(0, 1\), got 95/)
  })
})
