import { describe, expect, test } from 'vitest'
import { bootstrapStatsIntervals, commonArchs, compareOnCommonArchs, computeEpsilonStats } from '../../../src/main/core/stats/index.ts'

describe('commonArchs', () => {
  test('keeps the indices where every column is finite', () => {
    expect(commonArchs([[1, 2, 3, 4, 5], [null, 2, Number.NaN, 4, 5], [1, 2, 3, Number.POSITIVE_INFINITY, 5]])).toEqual([1, 4])
    expect(commonArchs([])).toEqual([])
  })
})

describe('compareOnCommonArchs', () => {
  // Accuracy rises with i; epsilon is NaN on the three best, b is perfect there but reversed below.
  const accuracy = [10, 11, 12, 13, 14, 15, 16, 17]
  const epsilon = [0, 1, 2, 3, 4, null, null, null]
  const b = [4, 3, 2, 1, 0, 20, 21, 22]

  test('puts every proxy on the archs all of them cover, beside its own coverage', () => {
    const { commonArchs: n, rows } = compareOnCommonArchs([{ name: 'epsilon', scores: epsilon }, { name: 'b', scores: b }], accuracy)
    expect(n).toBe(5)
    expect(rows.map((row) => [row.proxy, row.common.n, row.own.n])).toEqual([['epsilon', 5, 5], ['b', 5, 8]])
    // On the same five archs b is exactly reversed; on its own eight it looks good: sum d^2 = 40, 1 - 6 * 40 / (8 * 63) = 11/21.
    expect(rows[1].common.spearman).toBeCloseTo(-1, 14)
    expect(rows[1].own).toMatchObject(computeEpsilonStats(b, accuracy))
    expect(rows[1].own.spearman).toBeCloseTo(11 / 21, 14)
    expect(rows[1].own.intervals).toEqual(bootstrapStatsIntervals(b, accuracy))
    expect(rows[0].common.spearman).toBeCloseTo(1, 14)
  })

  test('negates losses when lower is better', () => {
    const { rows } = compareOnCommonArchs([{ name: 'epsilon', scores: epsilon }], accuracy.map((a) => -a), { lowerIsBetter: true })
    expect(rows[0].own.spearman).toBeCloseTo(1, 14)
  })
})
