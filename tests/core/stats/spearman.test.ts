import { describe, expect, test } from 'vitest'
import { pearson, spearman } from '../../../src/main/core/stats/index.ts'
import { smallX, smallY, tiedX200, tiedY200 } from './fixtures.ts'

describe('spearman', () => {
  describe('without ties', () => {
    test('is 1 for any increasing relation and -1 for a decreasing one', () => {
      expect(spearman([1, 2, 3, 4], [1, 10, 100, 1000])).toBe(1)
      expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1)
    })

    test('matches 1 - 6 sum d^2 / (n (n^2 - 1)) worked by hand', () => {
      // Ranks x = [1, 2, 3], y = [1, 3, 2]: sum d^2 = 2, rho = 1 - 12/24 = 0.5.
      expect(spearman([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 15)
    })
  })

  describe('with ties', () => {
    test('uses average ranks (hand-worked)', () => {
      // x ranks [1.5, 1.5, 3], y ranks [1, 2, 3]: Pearson = 1.5 / sqrt(1.5 * 2) = sqrt(3)/2.
      expect(spearman([7, 7, 9], [1, 2, 3])).toBeCloseTo(Math.sqrt(3) / 2, 15)
    })

    test('matches scipy on ten values with ties in both variables', () => {
      // python3 -c "from scipy import stats; print(repr(stats.spearmanr([0.3,0.1,0.4,0.1,0.5,0.9,0.2,0.6,0.5,0.3],[2,7,1,8,2,8,1,8,2,8])[0]))"
      expect(spearman(smallX, smallY)).toBeCloseTo(0.13471506281091267, 14)
    })

    test('matches scipy for n = 200 with heavy ties', () => {
      // python3 -c "import numpy as np; from scipy import stats; X=[(i*37)%11 for i in range(200)];
      //   Y=[(i*53+(i*i)%7)%13 for i in range(200)]; print(repr(stats.spearmanr(X,Y)[0]))"
      expect(spearman(tiedX200(), tiedY200())).toBeCloseTo(0.0376226207326261, 14)
    })
  })

  describe('when undefined', () => {
    test('is NaN for fewer than two values', () => {
      expect(spearman([], [])).toBeNaN()
      expect(spearman([1], [2])).toBeNaN()
    })

    test('is NaN when either variable is constant', () => {
      expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN()
      expect(spearman([1, 2, 3], [5, 5, 5])).toBeNaN()
    })

    test('is NaN when any value is NaN or the lengths differ', () => {
      expect(spearman([1, Number.NaN, 3], [1, 2, 3])).toBeNaN()
      expect(spearman([1, 2, 3], [1, 2])).toBeNaN()
    })
  })
})

describe('pearson', () => {
  test('is exactly 1 for a perfectly linear relation (clamped against rounding)', () => {
    expect(pearson([0.1, 0.2, 0.3], [0.3, 0.6, 0.9])).toBe(1)
  })
})
