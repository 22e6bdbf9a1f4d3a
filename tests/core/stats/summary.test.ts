import { describe, expect, test } from 'vitest'
import { EpsinasError } from '../../../src/shared/errors.ts'
import { computeEpsilonStats, type EpsilonStats } from '../../../src/main/core/stats/index.ts'
import { accuracies200, scores200 } from './fixtures.ts'

/*
 * Expected values below come from the reference compute_stats (quoted in the task brief, pasted
 * verbatim into a scratch file outside the repo) run with Debian's python3-scipy 1.17.1 /
 * numpy 2.4.6 on the fixture arrays, e.g.
 *   python3 -c "import numpy as np; from ref import compute_stats; n=200;
 *     S=np.array([np.nan if i%17==5 else ((i*37)%101)/10 for i in range(n)]);
 *     A=np.array([np.nan if i%23==7 else 80+((i*37)%101)//10+((i*i)%7)/2 for i in range(n)]);
 *     print(compute_stats(S,A), compute_stats(S,A,reverse=True))"
 */

function expectStats(actual: EpsilonStats, expected: EpsilonStats): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort())
  for (const key of Object.keys(expected) as (keyof EpsilonStats)[]) {
    const value = expected[key]
    if (value === null) expect(actual[key], key).toBeNull()
    else expect(actual[key], key).toBeCloseTo(value, 12)
  }
}

describe('computeEpsilonStats', () => {
  describe('should match the reference compute_stats', () => {
    test('for n = 200 with ties and NaN entries in both arrays', () => {
      expectStats(computeEpsilonStats(scores200(), accuracies200()), {
        n: 179,
        nan: 21,
        spearman: 0.9698154925205826,
        kendall: 0.8608043558826466,
        spearman_top10: 0.4923205070586349,
        kendall_top10: 0.42427956496149855,
        top10_top10: 58.82352941176471,
        top64_top5: 6,
      })
    })

    test('for lower-is-better accuracies (reverse=True)', () => {
      const stats = computeEpsilonStats(scores200(), accuracies200(), { lowerIsBetter: true })
      expectStats(stats, {
        n: 179,
        nan: 21,
        spearman: -0.9698154925205826,
        kendall: -0.8608043558826466,
        spearman_top10: -0.2212854185599143,
        kendall_top10: -0.18884697791517346,
        top10_top10: 0,
        top64_top5: 0,
      })
    })

    test('for n <= 64, with top64_top5 null and undefined top-10% correlations null', () => {
      // compute_stats(np.array([np.nan if i in (3,11) else ((i*7)%10)/10 for i in range(20)]),
      //   np.array([np.nan if i==15 else 70+(i*3)%8 for i in range(20)]))
      const scores = Array.from({ length: 20 }, (_, i) =>
        i === 3 || i === 11 ? Number.NaN : ((i * 7) % 10) / 10,
      )
      const accs = Array.from({ length: 20 }, (_, i) => (i === 15 ? null : 70 + ((i * 3) % 8)))
      expectStats(computeEpsilonStats(scores, accs), {
        n: 17,
        nan: 3,
        spearman: 0.07826183572940938,
        kendall: 0.08697350802269875,
        spearman_top10: null,
        kendall_top10: null,
        top10_top10: 0,
        top64_top5: null,
      })
    })
  })

  describe('with hand-worked inputs', () => {
    test('counts ties at the 64th highest score into top64_top5', () => {
      // 100 architectures: accuracy i, so the top 5% (> 95th percentile 94.05) are 95..99.
      // Scores: the 70 best by accuracy all score 1 (tied), the rest 0, so >= the 64th
      // highest score (1) selects 70 architectures; all five of the top 5% are among them.
      const accs = Array.from({ length: 100 }, (_, i) => i)
      const scores = accs.map((a) => (a >= 30 ? 1 : 0))
      expect(computeEpsilonStats(scores, accs).top64_top5).toBe(5)
    })

    test('uses strict > against the 90th percentile for top10_top10', () => {
      // 11 values 0..10: the 90th percentile is exactly 9, so only the value 10 is "above" it.
      const values = Array.from({ length: 11 }, (_, i) => i)
      const stats = computeEpsilonStats(values, values)
      expect(stats.top10_top10).toBe(100)
      expect(stats.spearman).toBe(1)
      expect(stats.kendall).toBe(1)
      // The top 10% by accuracy is one architecture: no correlation.
      expect(stats.spearman_top10).toBeNull()
    })

    test('gives top10_top10 null when no score is above its 90th percentile', () => {
      const stats = computeEpsilonStats([1, 1, 1, 1], [1, 2, 3, 4])
      expect(stats.top10_top10).toBeNull()
      expect(stats.spearman).toBeNull()
    })
  })

  describe('with missing values', () => {
    test('drops null, NaN and infinite scores or accuracies and counts them in nan', () => {
      const stats = computeEpsilonStats(
        [1, null, Number.NaN, Infinity, 5, 6, 7],
        [1, 2, 3, 4, -Infinity, null, 7],
      )
      expect(stats.n).toBe(2)
      expect(stats.nan).toBe(5)
      expect(stats.spearman).toBe(1)
    })

    test('returns every statistic null for no usable pair, and survives JSON', () => {
      const stats = computeEpsilonStats([null, Number.NaN], [1, 2])
      expect(stats).toEqual({
        n: 0,
        nan: 2,
        spearman: null,
        kendall: null,
        spearman_top10: null,
        kendall_top10: null,
        top10_top10: null,
        top64_top5: null,
      })
      expect(JSON.parse(JSON.stringify(stats))).toEqual(stats)
    })
  })

  describe('should throw', () => {
    test('BAD_ARGUMENT when the arrays differ in length', () => {
      expect(() => computeEpsilonStats([1, 2], [1])).toThrow(EpsinasError)
      expect(() => computeEpsilonStats([1, 2], [1])).toThrow(/differ in length/)
    })
  })
})
