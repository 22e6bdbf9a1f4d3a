import { describe, expect, test } from 'vitest'
import { exponentGrid, getStrategy, gridPairs, type ExponentPair, type SweepTable } from '../../../src/main/core/weights/index.ts'
import { pairLabel, rankingWarning } from '../../../src/main/core/weights/ranking-warning.ts'

const N = 30
const key = (p: ExponentPair): string => `${p.low},${p.high}`

/** Scores ranking the archs 0..N-1 in order, with the given adjacent positions swapped. */
function rankingWithSwaps(...swaps: number[]): number[] {
  const order = Array.from({ length: N }, (_, i) => i)
  for (const s of swaps) [order[s], order[s + 1]] = [order[s + 1], order[s]]
  return order
}

/** A ranking unrelated to the others: i * step mod N (step coprime to N). */
const scrambled = (step: number): number[] => Array.from({ length: N }, (_, i) => (i * step) % N)

/** Exponents -3..0 (6 pairs) with the given scores per pair; accuracies that would contradict the warning if it read them. */
function table(scores: Record<string, ReadonlyArray<number | null>>): SweepTable {
  const archs = Array.from({ length: N }, (_, i) => `arch${i}`)
  return { archs, pairs: gridPairs(exponentGrid(-3, 0)).map((pair) => ({ pair, epsilon: scores[key(pair)] })), accuracies: archs.map((_, i) => -i) }
}

/**
 * A plateau of four pairs that rank alike, each with 20% NaN (archs 0..5), and two NaN-free
 * outliers ranking in reverse, one of them the widest pair (-3,0): the widest pair under 10% NaN.
 */
const NAN_HEAD = (scores: number[]): Array<number | null> => scores.map((x, i) => (i < 6 ? null : x))
const PLATEAU_AND_OUTLIER = table({
  '-2,0': NAN_HEAD(rankingWithSwaps()),
  '-3,-1': NAN_HEAD(rankingWithSwaps(8)),
  '-3,-2': NAN_HEAD(rankingWithSwaps(12)),
  '-2,-1': NAN_HEAD(rankingWithSwaps(24)),
  '-3,0': rankingWithSwaps().map((x) => -x),
  '-1,0': rankingWithSwaps(5).map((x) => -x),
})

describe('rankingWarning (label-free, from the plateau strategy’s groups)', () => {
  test('the widest rule picks the outlier: one line naming the plateau, the agreement and the plateau’s pick', () => {
    const chosen = getStrategy('grid').select(PLATEAU_AND_OUTLIER, { nanThreshold: 0.1 }).chosen?.pair ?? null
    expect(chosen).toEqual({ low: -3, high: 0 })
    // Reverse order against the plateau: -1 to the centre, -(1 - 12/(30*899)) to each of the three with one swap.
    const mean = (-1 - 3 * (1 - 12 / (30 * 899))) / 4
    expect(mean.toFixed(2)).toBe('-1.00')
    expect(rankingWarning(PLATEAU_AND_OUTLIER, chosen)).toBe(
      '[1e-3, 1] ranks unlike the 4 pairs that agree with each other (mean Spearman -1.00 to them): its ranking may be poor; the plateau strategy picks [1e-2, 1].',
    )
  })

  test('a pair inside the plateau gets no warning, whichever strategy chose it', () => {
    expect(rankingWarning(PLATEAU_AND_OUTLIER, getStrategy('plateau').select(PLATEAU_AND_OUTLIER, { nanThreshold: 0.1 }).chosen?.pair ?? null)).toBeNull()
    for (const member of [{ low: -2, high: 0 }, { low: -3, high: -1 }, { low: -3, high: -2 }, { low: -2, high: -1 }]) expect(rankingWarning(PLATEAU_AND_OUTLIER, member)).toBeNull()
    // The other outlier warns too.
    expect(rankingWarning(PLATEAU_AND_OUTLIER, { low: -1, high: 0 })).toMatch(/^\[1e-1, 1\] ranks unlike the 4 pairs/)
    expect(rankingWarning(PLATEAU_AND_OUTLIER, null)).toBeNull()
  })

  test('reads the scores only: the same table without accuracies warns the same', () => {
    const unlabelled: SweepTable = { archs: PLATEAU_AND_OUTLIER.archs, pairs: PLATEAU_AND_OUTLIER.pairs }
    expect(rankingWarning(unlabelled, { low: -3, high: 0 })).toBe(rankingWarning(PLATEAU_AND_OUTLIER, { low: -3, high: 0 }))
  })

  test('pairs that disagree overall: two equally large groups, or no two pairs alike, warn whatever the choice', () => {
    const tied = table({
      '-2,0': rankingWithSwaps(),
      '-3,-1': rankingWithSwaps(8),
      '-3,0': rankingWithSwaps().map((x) => -x),
      '-1,0': rankingWithSwaps(5).map((x) => -x),
      '-3,-2': scrambled(7),
      '-2,-1': scrambled(11),
    })
    expect(rankingWarning(tied, { low: -2, high: 0 })).toBe(
      'The pairs form 2 groups of 2 that rank unlike each other: which one ranks well is not known without labels, so the ranking of [1e-2, 1] may be poor.',
    )
    const apart = table({ '-2,0': rankingWithSwaps(), '-3,-1': scrambled(7), '-3,0': scrambled(11), '-1,0': scrambled(13), '-3,-2': scrambled(17), '-2,-1': scrambled(19) })
    expect(rankingWarning(apart, { low: -3, high: 0 })).toBe(
      'No two of the 6 pairs rank alike (Spearman >= 0.9 on the archs both score): nothing label-free supports [1e-3, 1]; its ranking may be poor.',
    )
  })

  test('pairLabel writes 10^0 as 1', () => {
    expect(pairLabel({ low: -4, high: -1 })).toBe('[1e-4, 1e-1]')
    expect(pairLabel({ low: -7, high: 0 })).toBe('[1e-7, 1]')
  })
})
