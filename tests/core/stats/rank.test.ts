import { describe, expect, test } from 'vitest'
import { argsort, averageRanks, denseRanks } from '../../../src/main/core/stats/index.ts'
import { smallY } from './fixtures.ts'

describe('averageRanks', () => {
  describe('without ties', () => {
    test('gives 1-based ranks in value order', () => {
      expect(Array.from(averageRanks([30, 10, 20]))).toEqual([3, 1, 2])
    })
  })

  describe('with ties', () => {
    test('gives tied values the mean of the ranks they span', () => {
      // 5 and 5 share ranks 2 and 3; the three 9s share ranks 4, 5 and 6.
      expect(Array.from(averageRanks([1, 5, 9, 5, 9, 9]))).toEqual([1, 2.5, 5, 2.5, 5, 5])
    })

    test('matches scipy.stats.rankdata', () => {
      // python3 -c "from scipy import stats; print(stats.rankdata([2,7,1,8,2,8,1,8,2,8]).tolist())"
      expect(Array.from(averageRanks(smallY))).toEqual([4, 6, 1.5, 8.5, 4, 8.5, 1.5, 8.5, 4, 8.5])
    })

    test('treats -0 and 0 as equal, like numpy', () => {
      expect(Array.from(averageRanks([0, -0, 1]))).toEqual([1.5, 1.5, 3])
    })
  })

  describe('for an empty input', () => {
    test('returns an empty array', () => {
      expect(averageRanks([]).length).toBe(0)
    })
  })
})

describe('argsort', () => {
  test('keeps equal values in input order and orders infinities', () => {
    expect(Array.from(argsort([2, Infinity, 1, 2, -Infinity, Infinity]))).toEqual([4, 2, 0, 3, 1, 5])
  })
})

describe('denseRanks', () => {
  test('numbers distinct values 1..k without gaps', () => {
    expect(Array.from(denseRanks([5, 1, 5, 3]))).toEqual([3, 1, 3, 2])
  })
})
