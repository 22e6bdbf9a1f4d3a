import { describe, expect, test } from 'vitest'
import type { WeightsEvaluationView } from '../../../shared/api.ts'
import { evaluationRows, selectRequest } from './weights-choice.ts'

const EVALUATION: WeightsEvaluationView = {
  evaluatedAt: '2026-12-06T22:00:00.000Z',
  stored: true,
  accuracies: '/data/acc.csv',
  archs: 30,
  best: { exponents: [-2, 0], weights: [0.01, 1], coverage: 0.8, spearman: 1, kendall: 1 },
  strategies: [
    { strategy: 'reference', chosen: null, regret: null, evidence: 'not applicable: The reference strategy needs a sweep over every pair of integer exponents with step 1; use the grid strategy for this sweep.' },
    { strategy: 'grid', chosen: { exponents: [-3, 0], weights: [0.001, 1], coverage: 1, spearman: -1, kendall: -1 }, regret: 2, evidence: null },
    { strategy: 'plateau', chosen: { exponents: [-2, 0], weights: [0.01, 1], coverage: 0.8, spearman: 1, kendall: 1 }, regret: 0, evidence: 'it is the centre of the largest plateau' },
  ],
}

describe('evaluationRows', () => {
  test('should give one row per strategy, then the grid’s best, with the current strategy marked', () => {
    expect(evaluationRows(EVALUATION, 'grid')).toEqual([
      { strategy: 'reference', pair: 'none', coverage: 'n/a', spearman: 'n/a', regret: 'n/a', note: EVALUATION.strategies[0].evidence, current: false },
      { strategy: 'grid', pair: '[1e-3, 1]', coverage: '100.0%', spearman: '-1.000', regret: '2.000', note: '', current: true },
      { strategy: 'plateau', pair: '[0.01, 1]', coverage: '80.0%', spearman: '1.000', regret: '0.000', note: '', current: false },
      { strategy: "grid's best (reads accuracies)", pair: '[0.01, 1]', coverage: '80.0%', spearman: '1.000', regret: '0.000', note: '', current: false },
    ])
  })

  test('should leave out the best row when no pair has a Spearman', () => {
    expect(evaluationRows({ ...EVALUATION, best: null }, 'plateau').map((r) => r.strategy)).toEqual(['reference', 'grid', 'plateau'])
  })
})

describe('selectRequest', () => {
  test('should send the metric with the grid strategy only', () => {
    expect(selectRequest('j1', 'grid', 'spearman')).toEqual({ jobId: 'j1', strategy: 'grid', bootstrap: 200, metric: 'spearman' })
    expect(selectRequest('j1', 'plateau', 'spearman')).toEqual({ jobId: 'j1', strategy: 'plateau', bootstrap: 200 })
    expect(selectRequest('j1', 'grid', '')).toEqual({ jobId: 'j1', strategy: 'grid', bootstrap: 200 })
  })
})
