import { describe, expect, test } from 'vitest'
import { EpsinasError } from '../../../src/shared/errors.ts'
import { percentile } from '../../../src/main/core/stats/index.ts'
import { smallX } from './fixtures.ts'

describe('percentile', () => {
  describe('with linear interpolation', () => {
    test('interpolates between the two nearest sorted values', () => {
      // Sorted [1, 2, 3, 4, 5]: index (5-1)*0.9 = 3.6 -> 4 + 0.6*(5-4) = 4.6.
      expect(percentile([5, 1, 4, 2, 3], 90)).toBeCloseTo(4.6, 15)
      expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3)
    })

    test('returns the extremes at 0 and 100', () => {
      expect(percentile([3, -2, 7], 0)).toBe(-2)
      expect(percentile([3, -2, 7], 100)).toBe(7)
    })

    test('returns the only value of a one-element input', () => {
      expect(percentile([42], 90)).toBe(42)
    })

    test('matches numpy.percentile bit for bit', () => {
      // python3 -c "import numpy as np; a=[0.3,0.1,0.4,0.1,0.5,0.9,0.2,0.6,0.5,0.3]; b=np.arange(200)/7;
      //   print([repr(np.percentile(x,q)) for x in (a,b,[0.1,0.7,0.2]) for q in (90,95,50,33.3)])"
      const grid = Array.from({ length: 200 }, (_, i) => i / 7)
      const cases: [number[], number, number][] = [
        [smallX, 90, 0.6299999999999999],
        [smallX, 95, 0.7649999999999997],
        [smallX, 50, 0.35],
        [smallX, 33.3, 0.29969999999999997],
        [grid, 90, 25.585714285714285],
        [grid, 95, 27.007142857142856],
        [grid, 50, 14.214285714285715],
        [grid, 33.3, 9.466714285714286],
        [[0.1, 0.7, 0.2], 90, 0.6],
        [[0.1, 0.7, 0.2], 95, 0.6499999999999999],
        [[0.1, 0.7, 0.2], 50, 0.2],
        [[0.1, 0.7, 0.2], 33.3, 0.1666],
      ]
      for (const [values, q, expected] of cases) expect(percentile(values, q)).toBe(expected)
    })
  })

  describe('for inputs without a percentile', () => {
    test('returns NaN for an empty input', () => {
      expect(percentile([], 90)).toBeNaN()
    })

    test('returns NaN when any value is NaN, like numpy.percentile', () => {
      expect(percentile([1, Number.NaN, 3], 50)).toBeNaN()
    })
  })

  describe('should throw', () => {
    test('BAD_ARGUMENT for q outside [0, 100]', () => {
      for (const q of [-1, 101, Number.NaN]) {
        expect(() => percentile([1, 2], q)).toThrow(EpsinasError)
      }
      try {
        percentile([1], 150)
      } catch (error) {
        expect((error as EpsinasError).code).toBe('BAD_ARGUMENT')
      }
    })
  })

  test('does not reorder its input', () => {
    const values = [3, 1, 2]
    percentile(values, 50)
    expect(values).toEqual([3, 1, 2])
  })
})
