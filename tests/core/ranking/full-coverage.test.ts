import { describe, expect, test } from 'vitest'
import { placementCounts, rankEveryArch } from '../../../src/main/core/ranking/full-coverage.ts'
import { spearman } from '../../../src/main/core/stats/index.ts'

describe('rankEveryArch', () => {
  test('one signal: the order of its values, 1 = highest', () => {
    const ranking = rankEveryArch([{ name: 'epsilon', values: [3, 1, 2] }], 3)
    expect(ranking.rank).toEqual([1, 3, 2])
    // Percentiles 3/3, 1/3, 2/3.
    expect(ranking.score).toEqual([Math.log(1), Math.log(1 / 3), Math.log(2 / 3)])
    expect(ranking.placedBy).toEqual(['epsilon', 'epsilon', 'epsilon'])
  })

  test('tied values share their percentile and the average rank', () => {
    const ranking = rankEveryArch([{ name: 'epsilon', values: [5, 5, 1] }], 3)
    expect(ranking.score.slice(0, 2)).toEqual([Math.log(2.5 / 3), Math.log(2.5 / 3)])
    expect(ranking.rank).toEqual([1.5, 1.5, 3])
  })

  test('an arch is placed by the signals it has; archs without any tie last', () => {
    // epsilon finite on 0, 2, 4: percentiles 1, 2/3, 1/3. parameters finite on 0, 1, 2, 4: 1/4, 3/4, 1, 1/2.
    const ranking = rankEveryArch(
      [
        { name: 'epsilon', values: [4, null, 2, Number.NaN, 1, null] },
        { name: 'parameters', values: [10, 30, 40, null, 20, Number.NaN] },
      ],
      6,
    )
    const expected = [
      (Math.log(1) + Math.log(1 / 4)) / 2,
      Math.log(3 / 4),
      (Math.log(2 / 3) + Math.log(1)) / 2,
      -Infinity,
      (Math.log(1 / 3) + Math.log(1 / 2)) / 2,
      -Infinity,
    ]
    ranking.score.forEach((score, i) => expect(score).toBeCloseTo(expected[i], 15))
    // Scores -0.693, -0.288, -0.203, -inf, -0.896, -inf.
    expect(ranking.rank).toEqual([3, 2, 1, 5.5, 4, 5.5])
    expect(ranking.placedBy).toEqual(['epsilon', 'aggregate', 'epsilon', 'none', 'epsilon', 'none'])
    expect(placementCounts(ranking.placedBy)).toEqual({ epsilon: 3, aggregate: 1, none: 2 })
  })

  test('a proxy that knows the archs epsilon loses puts the best back on top', () => {
    // Accuracy rises with the index; epsilon is right but NaN on the two best (as at [1e-7, 1] on NB201).
    const accuracy = [60, 61, 62, 63, 64, 65]
    const epsilon = [0.1, 0.2, 0.3, 0.4, null, null]
    const synflow = [1, 2, 3, 4, 5, 6]
    const ranking = rankEveryArch([{ name: 'epsilon', values: epsilon }, { name: 'synflow', values: synflow }], 6)
    expect(ranking.rank).toEqual([6, 5, 4, 3, 2, 1])
    expect(ranking.placedBy).toEqual(['epsilon', 'epsilon', 'epsilon', 'epsilon', 'aggregate', 'aggregate'])
    expect(spearman(ranking.rank.map((r) => -r), accuracy)).toBeCloseTo(1, 15)
    // NaN ranked last instead: the two best at the bottom.
    const nanLast = epsilon.map((e) => e ?? -Infinity)
    expect(spearman(nanLast, accuracy)).toBeLessThan(0.3)
  })

  test('without an epsilon signal every placed arch is placed by the aggregate', () => {
    const ranking = rankEveryArch([{ name: 'parameters', values: [1, null] }], 2)
    expect(ranking.placedBy).toEqual(['aggregate', 'none'])
    expect(ranking.rank).toEqual([1, 2])
  })

  test('no archs, no signals', () => {
    expect(rankEveryArch([], 0)).toEqual({ rank: [], score: [], placedBy: [] })
    expect(rankEveryArch([], 2)).toEqual({ rank: [1.5, 1.5], score: [-Infinity, -Infinity], placedBy: ['none', 'none'] })
  })

  test('a signal of another length is refused, naming it', () => {
    expect(() => rankEveryArch([{ name: 'synflow', values: [1, 2] }], 3)).toThrow('ranking signal synflow has 2 values for 3 architectures')
  })
})
