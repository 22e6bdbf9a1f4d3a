import { describe, expect, test } from 'vitest'
import { SeededRandom } from '../../../src/main/core/random.ts'
import { kendallTauB } from '../../../src/main/core/stats/index.ts'
import { smallX, smallY, tiedX200, tiedY200 } from './fixtures.ts'

/** The textbook O(n^2) tau-b: (C - D) / sqrt((n0 - n1)(n0 - n2)), the definition the fast one must meet. */
function naiveTauB(x: readonly number[], y: readonly number[]): number {
  let concordant = 0
  let discordant = 0
  let xTies = 0
  let yTies = 0
  const n = x.length
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = Math.sign(x[i] - x[j]) * Math.sign(y[i] - y[j])
      if (x[i] === x[j]) xTies++
      if (y[i] === y[j]) yTies++
      if (s > 0) concordant++
      if (s < 0) discordant++
    }
  }
  const total = (n * (n - 1)) / 2
  return (concordant - discordant) / Math.sqrt((total - xTies) * (total - yTies))
}

/** n random values drawn from `levels` distinct integers, so ties are frequent. */
function randomTied(random: SeededRandom, n: number, levels: number): number[] {
  return Array.from({ length: n }, () => random.nextInt(levels))
}

describe('kendallTauB', () => {
  describe('without ties', () => {
    test('is 1 for the same order and -1 for the reverse order', () => {
      expect(kendallTauB([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1)
      expect(kendallTauB([1, 2, 3, 4], [40, 30, 20, 10])).toBe(-1)
    })

    test('counts concordant minus discordant pairs (hand-worked)', () => {
      // Pairs (1,2) and (1,3) concordant, (2,3) discordant: tau = (2 - 1) / 3.
      expect(kendallTauB([1, 2, 3], [1, 3, 2])).toBeCloseTo(1 / 3, 15)
    })
  })

  describe('with ties', () => {
    test('corrects the denominator for ties in x (hand-worked)', () => {
      // n0 = 3 pairs, one tied in x, two concordant: tau_b = 2 / sqrt((3 - 1) * (3 - 0)).
      expect(kendallTauB([1, 1, 2], [1, 2, 3])).toBeCloseTo(2 / Math.sqrt(6), 15)
    })

    test('corrects for ties in both variables and joint ties (hand-worked)', () => {
      // Points (1,1) (1,1) (2,2) (2,3): pairs tied in x = 2, tied in y = 1, C = 4, D = 0.
      expect(kendallTauB([1, 1, 2, 2], [1, 1, 2, 3])).toBeCloseTo(4 / Math.sqrt(4 * 5), 15)
    })

    test('matches scipy on ten values with ties in both variables', () => {
      // python3 -c "from scipy import stats; print(repr(stats.kendalltau([0.3,0.1,0.4,0.1,0.5,0.9,0.2,0.6,0.5,0.3],[2,7,1,8,2,8,1,8,2,8])[0]))"
      expect(kendallTauB(smallX, smallY)).toBeCloseTo(0.13041013273932525, 14)
    })

    test('matches scipy for n = 200 with heavy ties', () => {
      // python3 -c "from scipy import stats; X=[(i*37)%11 for i in range(200)];
      //   Y=[(i*53+(i*i)%7)%13 for i in range(200)]; print(repr(stats.kendalltau(X,Y)[0]))"
      expect(kendallTauB(tiedX200(), tiedY200())).toBeCloseTo(0.049190633619750235, 14)
    })

    test('equals the naive O(n^2) tau-b on random data with ties', () => {
      const random = new SeededRandom(20240601)
      for (let trial = 0; trial < 200; trial++) {
        const n = 2 + random.nextInt(80)
        const x = randomTied(random, n, 1 + random.nextInt(12))
        const y = randomTied(random, n, 1 + random.nextInt(12))
        const expected = naiveTauB(x, y)
        if (Number.isNaN(expected)) expect(kendallTauB(x, y)).toBeNaN()
        else expect(kendallTauB(x, y)).toBeCloseTo(expected, 12)
      }
    })

    test('equals the naive O(n^2) tau-b on continuous data and on data with -0 and infinities', () => {
      const random = new SeededRandom(7)
      const x = Array.from({ length: 300 }, () => random.nextNormal())
      const y = x.map((v) => v + random.nextNormal())
      expect(kendallTauB(x, y)).toBeCloseTo(naiveTauB(x, y), 12)
      const special = [0, -0, Infinity, -Infinity, 1, Infinity]
      const other = [1, 2, 3, 0, 2, 5]
      expect(kendallTauB(special, other)).toBeCloseTo(naiveTauB(special, other), 12)
    })
  })

  describe('when undefined', () => {
    test('is NaN for fewer than two values', () => {
      expect(kendallTauB([], [])).toBeNaN()
      expect(kendallTauB([1], [1])).toBeNaN()
    })

    test('is NaN when either variable is constant', () => {
      expect(kendallTauB([2, 2, 2], [1, 2, 3])).toBeNaN()
      expect(kendallTauB([1, 2, 3], [0, 0, 0])).toBeNaN()
    })

    test('is NaN when any value is NaN or the lengths differ', () => {
      expect(kendallTauB([1, 2, Number.NaN], [1, 2, 3])).toBeNaN()
      expect(kendallTauB([1, 2], [1, 2, 3])).toBeNaN()
    })
  })

  describe('for large inputs', () => {
    test('takes well under 2 s for n = 100,000', () => {
      const random = new SeededRandom(3)
      const x = Array.from({ length: 100_000 }, () => random.nextFloat())
      const y = x.map((v, i) => (i % 10 === 0 ? random.nextInt(1000) : Math.round(v * 1000)))
      const start = performance.now()
      const tau = kendallTauB(x, y)
      const elapsed = performance.now() - start
      expect(tau).toBeGreaterThan(0.5)
      expect(elapsed).toBeLessThan(2000)
    })
  })
})
