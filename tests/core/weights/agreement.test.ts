import { describe, expect, test } from 'vitest'
import { evaluateStrategies, exponentGrid, getStrategy, gridPairs, selectAgreement, selectPlateau, type ExponentPair, type SweepTable } from '../../../src/main/core/weights/index.ts'
import { explainSelection } from '../../../src/main/core/weights/explain.ts'

const N = 40
const key = (p: ExponentPair): string => `${p.low},${p.high}`
const archs = Array.from({ length: N }, (_, i) => `arch${i}`)
/** Parameter counts rising with the arch index: the order every agreeing pair should follow. */
const parameters = archs.map((_, i) => 1000 + 10 * i)

/** Arch order 0..N-1 with positions i and j swapped: the Spearman with the counts drops by 12 (j - i)^2 / (N (N^2 - 1)). */
function orderWithSwap(i?: number, j?: number): Array<number | null> {
  const order = Array.from({ length: N }, (_, k) => k)
  if (i !== undefined && j !== undefined) [order[i], order[j]] = [order[j], order[i]]
  return order
}

/**
 * Exponents -3..0 (6 pairs), each pair's ranking against the parameter counts: (-2,-1) follows them
 * exactly but scores only the even archs; (-3,-1) swaps archs 0 and 10 (0.981), the others are worse
 * or reversed (-2,0).
 */
function table(overrides: Partial<SweepTable> = {}): SweepTable {
  const evensOnly = (scores: Array<number | null>): Array<number | null> => scores.map((s, i) => (i % 2 === 0 ? s : null))
  const scores: Record<string, Array<number | null>> = {
    '-3,-2': orderWithSwap(0, 20),
    '-3,-1': orderWithSwap(0, 10),
    '-3,0': orderWithSwap(0, 30),
    '-2,-1': evensOnly(orderWithSwap()),
    '-2,0': orderWithSwap().map((x) => -(x as number)),
    '-1,0': orderWithSwap(5, 25),
  }
  return { archs, pairs: gridPairs(exponentGrid(-3, 0)).map((pair) => ({ pair, epsilon: scores[key(pair)] })), parameters, ...overrides }
}

describe('selectAgreement', () => {
  test('should pick the pair whose ranking agrees best with the parameter counts, on the archs it scores', () => {
    const result = selectAgreement(table())
    expect(result.chosen?.pair).toEqual({ low: -2, high: -1 })
    expect(result.chosen?.nanFraction).toBe(0.5)
    expect(result.chosen?.metricValue).toBeCloseTo(1, 12)
    expect(result.runnerUp?.pair).toEqual({ low: -3, high: -1 })
    expect(result.runnerUp?.metricValue).toBeCloseTo(1 - (12 * 100) / (40 * 1599), 12)
    // The reversed pair agrees at -1; every pair is judged.
    expect(result.considered.find((v) => key(v.pair) === '-2,0')?.metricValue).toBe(-1)
    expect(result.considered).toHaveLength(6)
    expect(result.evidence).toBe(
      'its ranking agrees best with the archs\' parameter counts (label-free): Spearman 1.000 on the 20 of 40 archs it scores; next best 1e-3,1e-1 at 0.981 (0.019 lower)',
    )
  })

  test('should judge the resampled indices the bootstrap gives, repeats included', () => {
    // Archs 20..27, each twice: (-2,-1) scores 8 entries, under the 10 a comparison needs, so it is not compared;
    // (-3,-1) and (-3,0) rank these archs exactly as the counts do, and the tie goes to the wider pair.
    const indices = Array.from({ length: 16 }, (_, k) => 20 + (k % 8))
    const result = selectAgreement(table(), indices)
    expect(result.considered.find((v) => key(v.pair) === '-2,-1')?.metricValue).toBeNull()
    expect(result.considered.find((v) => key(v.pair) === '-3,-1')?.metricValue).toBeCloseTo(1, 12)
    expect(result.chosen?.pair).toEqual({ low: -3, high: 0 })
    expect(result.runnerUp?.pair).toEqual({ low: -3, high: -1 })
  })

  test('should fall back to the plateau strategy, saying so, when the parameter counts cannot rank the archs', () => {
    const plateau = selectPlateau(table())
    for (const [overrides, why] of [
      [{ parameters: undefined }, 'the sweep has no parameter counts'],
      [{ parameters: archs.map(() => 5000) }, 'every arch has the same parameter count (5000)'],
      [{ parameters: archs.map(() => null) }, 'the sweep has no parameter counts'],
    ] as const) {
      const result = selectAgreement(table(overrides))
      expect(result.chosen).toEqual(plateau.chosen)
      expect(result.evidence).toBe(`${why}, so this is the plateau strategy's choice: ${plateau.evidence}`)
    }
  })

  test('should fall back to the plateau strategy when no pair scores enough archs to compare with the counts', () => {
    // 8 archs: under the 10 common archs a comparison needs, whatever the pair.
    const few = Array.from({ length: 8 }, (_, k) => k)
    const plateau = selectPlateau(table(), few)
    const result = selectAgreement(table(), few)
    expect(result.chosen).toEqual(plateau.chosen)
    expect(result.evidence).toBe(`no pair scores the 10 archs a comparison with the parameter counts needs, so this is the plateau strategy's choice: ${plateau.evidence}`)
  })

  test('should be listed, label-free, and run by the evaluation harness with the parameter counts it needs', () => {
    const strategy = getStrategy('agreement')
    expect(strategy.labelFree).toBe(true)
    expect(strategy.select(table(), { nanThreshold: 0.1 }).chosen?.pair).toEqual({ low: -2, high: -1 })
    // Accuracies follow the parameter counts; arch 0 is unlabelled, so the harness drops it (and its count).
    const labelled: SweepTable = { ...table(), accuracies: archs.map((_, i) => (i === 0 ? null : i)) }
    const evaluation = evaluateStrategies(labelled, [strategy], { nanThreshold: 0.1 })
    expect(evaluation.archs).toBe(N - 1)
    expect(evaluation.strategies[0].chosen?.pair).toEqual({ low: -2, high: -1 })
    expect(evaluation.strategies[0].evidence).toMatch(/^its ranking agrees best with the archs' parameter counts \(label-free\): Spearman 1\.000 on the 19 of 39 archs/)
  })

  test('should explain its choice in one sentence', () => {
    const text = explainSelection('agreement', selectAgreement(table()), { sampleSize: N, nanThreshold: 0.1 })
    expect(text).toMatch(/^Chosen weights \[1e-2, 1e-1\] \(50\.0% NaN\) on 40 sampled architectures: its ranking agrees best with the archs' parameter counts/)
  })
})
