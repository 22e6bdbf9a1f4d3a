import { describe, expect, test } from 'vitest'
import {
  evaluateStrategies,
  explainSelection,
  exponentGrid,
  formatEvaluation,
  getStrategy,
  gridPairs,
  pairQuality,
  selectPlateau,
  STRATEGIES,
  strategyIds,
  type ExponentPair,
  type SweepTable,
} from '../../../src/main/core/weights/index.ts'
import { spearman } from '../../../src/main/core/stats/index.ts'
import { EpsinasError } from '../../../src/shared/errors.ts'

const N = 30
const key = (p: ExponentPair): string => `${p.low},${p.high}`

/** Scores ranking the archs 0..N-1 in order, with the given adjacent positions swapped. */
function rankingWithSwaps(...swaps: number[]): number[] {
  const order = Array.from({ length: N }, (_, i) => i)
  for (const s of swaps) [order[s], order[s + 1]] = [order[s + 1], order[s]]
  return order
}

/**
 * Exponents -3..0 (6 pairs). A plateau of four pairs that rank alike: the centre (-2,0) ranks in
 * accuracy order, three others each swap a different adjacent couple, so each agrees with the
 * centre more than with one another. Two outlier pairs rank in reverse (agreeing with each other
 * only), one of them the widest pair (-3,0).
 */
function plateauTable(): SweepTable {
  const scores: Record<string, number[]> = {
    '-2,0': rankingWithSwaps(),
    '-3,-1': rankingWithSwaps(3),
    '-3,-2': rankingWithSwaps(12),
    '-2,-1': rankingWithSwaps(24),
    '-3,0': rankingWithSwaps().map((x) => -x),
    '-1,0': rankingWithSwaps(5).map((x) => -x),
  }
  const archs = Array.from({ length: N }, (_, i) => `arch${i}`)
  return {
    archs,
    pairs: gridPairs(exponentGrid(-3, 0)).map((pair) => ({ pair, epsilon: scores[key(pair)] })),
    accuracies: archs.map((_, i) => i),
  }
}

describe('strategy list', () => {
  test('should list reference, grid, plateau and agreement, and refuse an unknown id by name', () => {
    expect(strategyIds()).toEqual(['reference', 'grid', 'plateau', 'agreement'])
    expect(STRATEGIES.every((s) => s.description.length > 0 && !s.description.includes('\n'))).toBe(true)
    expect(getStrategy('plateau').id).toBe('plateau')
    expect(() => getStrategy('best')).toThrow(EpsinasError)
    expect(() => getStrategy('best')).toThrow("unknown selection strategy 'best' (choices: reference, grid, plateau, agreement)")
  })

  test('grid and reference behind the interface choose as before', () => {
    const t = plateauTable()
    expect(getStrategy('grid').select(t, { nanThreshold: 0.1 }).chosen?.pair).toEqual({ low: -3, high: 0 })
    expect(getStrategy('reference').select(t, { nanThreshold: 0.1 }).chosen?.pair).toEqual({ low: -3, high: 0 })
  })
})

describe('selectPlateau', () => {
  test('should pick the centre of the largest plateau, not the outliers that agree only with each other', () => {
    const result = selectPlateau(plateauTable())
    expect(result.chosen?.pair).toEqual({ low: -2, high: 0 })
    expect(result.chosen?.nanFraction).toBe(0)
    // The runner-up is a plateau member; every member is listed in the evidence.
    expect(['-3,-1', '-3,-2', '-2,-1']).toContain(key(result.runnerUp?.pair as ExponentPair))
    expect(result.evidence).toMatch(/^it is the centre of the largest plateau, 4 of 6 pairs linked by rankings that agree at Spearman >= 0\.9 on their common archs /)
    expect(result.evidence).toContain('1e-3,1e-2; 1e-3,1e-1; 1e-2,1e-1; 1e-2,1e0')
    const text = explainSelection('plateau', result, { sampleSize: N, nanThreshold: 0.1 })
    expect(text).toMatch(/^Chosen weights \[1e-2, 1e0\] \(0\.0% NaN\) on 30 sampled architectures: it is the centre of the largest plateau/)
  })

  test('should weigh agreement by the common archs, so a pair that scores few archs cannot lead the plateau', () => {
    const t = plateauTable()
    // The centre loses 20 of its 30 archs: it still agrees on the 10 left, but on a third of the sample.
    const centre = t.pairs.find((p) => key(p.pair) === '-2,0') as { pair: ExponentPair; epsilon: Array<number | null> }
    const thinned: SweepTable = { ...t, pairs: t.pairs.map((p) => (p === centre ? { pair: p.pair, epsilon: p.epsilon.map((x, i) => (i < 20 ? null : x)) } : p)) }
    const result = selectPlateau(thinned)
    expect(['-3,-1', '-3,-2', '-2,-1']).toContain(key(result.chosen?.pair as ExponentPair))
  })

  test('should give pairs with one NaN pattern the Spearman of their common archs, repeats included', () => {
    // Two pairs that agree (one plateau), NaN on the same archs; b swaps the order of archs 0 and 9
    // and of 5 and 11. The resample repeats archs, which tie in the ranks.
    const a = [3, 1, null, 4, 1.5, 9, 2.6, 5, null, 3.5, 8, 9.7]
    const b = [35, 10, null, 40, 15, 97, 26, 50, null, 30, 80, 90]
    const t: SweepTable = { archs: a.map((_, i) => `arch${i}`), pairs: [{ pair: { low: -1, high: 0 }, epsilon: a }, { pair: { low: -2, high: 0 }, epsilon: b }] }
    const indices = [0, 0, 1, 2, 3, 4, 5, 5, 5, 6, 7, 8, 9, 10, 11, 11]
    const scored = indices.filter((i) => a[i] !== null)
    const expected = (spearman(scored.map((i) => a[i] as number), scored.map((i) => b[i] as number)) * scored.length) / indices.length
    const result = selectPlateau(t, indices)
    expect(expected).toBeGreaterThan(0.8)
    expect(expected).toBeLessThan(1)
    expect(result.considered[0].metricValue).toBeCloseTo(expected, 12)
    expect(result.considered[1].metricValue).toBeCloseTo(expected, 12)
  })

  test('should judge only the given arch indices (bootstrap resamples)', () => {
    const t = plateauTable()
    const first = Array.from({ length: 15 }, (_, i) => i)
    expect(selectPlateau(t, first)).toEqual(selectPlateau(t, first))
    expect(selectPlateau(t, first).chosen?.nanFraction).toBe(0)
  })
})

describe('evaluateStrategies', () => {
  test('should report each strategy\'s pair, its Spearman and the regret against the grid\'s best pair', () => {
    const evaluation = evaluateStrategies(plateauTable(), STRATEGIES, { nanThreshold: 0.1 })
    expect(evaluation.archs).toBe(N)
    expect(evaluation.best?.pair).toEqual({ low: -2, high: 0 })
    expect(evaluation.best?.spearman).toBeCloseTo(1, 12)
    const byId = Object.fromEntries(evaluation.strategies.map((s) => [s.strategy, s]))
    expect(byId.plateau.chosen?.pair).toEqual({ low: -2, high: 0 })
    expect(byId.plateau.regret).toBeCloseTo(0, 12)
    // The widest pair is the reversed outlier: Spearman -1, regret 2.
    expect(byId.grid.chosen?.pair).toEqual({ low: -3, high: 0 })
    expect(byId.grid.chosen?.spearman).toBeCloseTo(-1, 12)
    expect(byId.grid.regret).toBeCloseTo(2, 12)
    expect(byId.reference.chosen?.pair).toEqual({ low: -3, high: 0 })
    const lines = formatEvaluation(evaluation).split('\n')
    expect(lines[0].split(/\s+/)).toEqual(['strategy', 'pair', 'coverage', 'spearman', 'kendall', 'full_rank', 'full_nan_last', 'full_nan_first', 'regret'])
    expect(lines[3].split(/\s+/)).toEqual(['plateau', '1e-2,1e0', '1.000', '1.000', '1.000', 'n/a', '1.000', '1.000', '0.000'])
    // No parameter counts in this table: agreement falls back to the plateau's pair and says so.
    expect(lines[4].split(/\s+/)).toEqual(['agreement', '1e-2,1e0', '1.000', '1.000', '1.000', 'n/a', '1.000', '1.000', '0.000'])
    expect(byId.agreement.evidence).toMatch(/^the sweep has no parameter counts, so this is the plateau strategy's choice: it is the centre/)
    expect(lines[5].split(/\s+/)[0]).toBe('(grid')
  })

  test('should show what a NaN pattern that removes the best archs hides: coverage and both full-coverage placements', () => {
    // Accuracy 0..9; the pair scores archs 0..6 in order and is NaN on the three best.
    const q = pairQuality({ low: -7, high: 0 }, [0, 1, 2, 3, 4, 5, 6, null, null, null], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(q.coverage).toBeCloseTo(0.7, 12)
    expect(q.spearman).toBeCloseTo(1, 12)
    expect(q.kendall).toBeCloseTo(1, 12)
    // scipy.stats.spearmanr with the NaN archs tied below every score / above every score
    expect(q.spearmanNanLast).toBeCloseTo(-0.3006361283785259, 12)
    expect(q.spearmanNanFirst).toBeCloseTo(0.9878044218151566, 12)
    // No other signal: no full-coverage ranking to judge.
    expect(q.spearmanFull).toBeNull()
  })

  test('should judge the full-coverage ranking: a parameter count that knows the NaN archs places them', () => {
    const accuracies = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    const parameters = { name: 'parameters', values: accuracies }
    const q = pairQuality({ low: -7, high: 0 }, [0, 1, 2, 3, 4, 5, 6, null, null, null], accuracies, [parameters])
    // Arch 6 averages log(7/7) and log(7/10) = -0.178; arch 7 has only log(8/10) = -0.223: the two
    // swap and everything else is in order, so Spearman = 1 - 6 * 2 / (10 * 99).
    expect(q.spearmanFull).toBeCloseTo(1 - 12 / 990, 12)
  })

  test('should report a strategy that cannot read the sweep as not applicable and judge the others', () => {
    const t = plateauTable()
    // Without the pair (-3,0) the reference's windows have a hole.
    const holed: SweepTable = { ...t, pairs: t.pairs.filter((p) => key(p.pair) !== '-3,0') }
    const byId = Object.fromEntries(evaluateStrategies(holed, STRATEGIES, { nanThreshold: 0.1 }).strategies.map((s) => [s.strategy, s]))
    expect(byId.reference.chosen).toBeNull()
    expect(byId.reference.evidence).toMatch(/^not applicable: The reference strategy needs a sweep over every pair of integer exponents/)
    expect(byId.plateau.chosen?.pair).toEqual({ low: -2, high: 0 })
  })

  test('should leave out archs without an accuracy and refuse a table without accuracies', () => {
    const t = plateauTable()
    const partial: SweepTable = { ...t, accuracies: t.archs.map((_, i) => (i < 10 ? null : i)) }
    expect(evaluateStrategies(partial, STRATEGIES, { nanThreshold: 0.1 }).archs).toBe(20)
    expect(() => evaluateStrategies({ ...t, accuracies: undefined }, STRATEGIES, { nanThreshold: 0.1 })).toThrow('the evaluation needs accuracies (--accuracies FILE)')
  })
})
