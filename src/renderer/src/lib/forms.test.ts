import { describe, expect, test } from 'vitest'
import type { CompareResponse, JobView, SpaceView } from '../../../shared/api.ts'
import { configChoices, epsilonPoints } from './compare.ts'
import { pageFromHash } from './pages.ts'
import { buildStartRequest, defaultRunForm } from './run-form.ts'
import { heatCells, parseExponents } from './sweeps.ts'

/** What spaces:list answers (the main process's registry), as the pages receive it. */
const SPACES: SpaceView[] = [
  { id: 'nb201', title: 'NAS-Bench-201', datasets: ['cifar10', 'cifar100', 'ImageNet16-120'], defaultWeights: [1e-7, 1], size: 15_625, kind: 'built-in', inputShape: [3, 32, 32], source: null, importedAt: null, warnings: [] },
  { id: 'toy', title: 'Toy', datasets: ['cifar100'], defaultWeights: [1e-2, 2], size: null, kind: 'onnx', inputShape: [3, 32, 32], source: '/tmp/toy', importedAt: '2026-12-06T19:00:00.000Z', warnings: [] },
]

describe('buildStartRequest', () => {
  test('should use the paper default pair of the default (first listed) space and a seeded sample by default', () => {
    const built = buildStartRequest(defaultRunForm(), null, SPACES)
    expect(built).toMatchObject({ ok: true, request: { space: 'nb201', dataset: 'cifar10', weights: [1e-7, 1], archs: { kind: 'sample', limit: 100, seed: 0 } } })
  })
  test('should take the chosen space\'s default pair and move to its first dataset when the form\'s is not one of its', () => {
    const built = buildStartRequest({ ...defaultRunForm(), space: 'toy' }, null, SPACES)
    expect(built).toMatchObject({ ok: true, request: { space: 'toy', dataset: 'cifar100', weights: [1e-2, 2] } })
  })
  test('should wait for the list of spaces', () => {
    expect(buildStartRequest(defaultRunForm(), null, [])).toMatchObject({ ok: false, reason: expect.stringMatching(/search spaces/) })
  })
  test('should refuse "automatic" until a pair was picked on the Weights page, then use it', () => {
    const form = { ...defaultRunForm(), weightMode: 'automatic' as const }
    expect(buildStartRequest(form, null, SPACES)).toMatchObject({ ok: false, reason: expect.stringMatching(/Weights page/) })
    expect(buildStartRequest(form, [1e-3, 10], SPACES)).toMatchObject({ ok: true, request: { weights: [1e-3, 10] } })
  })
})

describe('parseExponents', () => {
  test('should read a range or a list, and refuse anything else', () => {
    expect(parseExponents('-3..1')).toEqual([-3, -2, -1, 0, 1])
    expect(parseExponents('0, -2 1')).toEqual([-2, 0, 1])
    expect(parseExponents('1..1')).toBeNull()
    expect(parseExponents('a,b')).toBeNull()
  })
})

describe('heatCells', () => {
  test('should give the NaN fraction per pair, or a statistic when the sweep has one', () => {
    const results = [{ exponents: [-2, 0] as [number, number], weights: [0.01, 1] as [number, number], n: 8, nan: 2, failed: 0, stats: { spearman: 0.5 } }]
    expect(heatCells(results, 'nan')).toEqual([{ low: -2, high: 0, value: 0.25 }])
    expect(heatCells(results, 'spearman')).toEqual([{ low: -2, high: 0, value: 0.5 }])
    expect(heatCells(results, 'kendall')).toEqual([{ low: -2, high: 0, value: null }])
  })
})

describe('configChoices', () => {
  const job = (id: string, createdAt: string, kind: 'score' | 'sweep' = 'score'): JobView => ({
    id, kind, state: 'done', total: 1, done: 1, nan: 0, failed: 0, error: null, createdAt, updatedAt: createdAt,
    config: { space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 16, engine: 'collapsed', backend: 'auto', workers: null, pairs: [[1e-7, 1]] },
  })
  test('should list each score configuration once, newest first, and skip sweeps', () => {
    const choices = configChoices([job('a', '2026-01-01'), job('b', '2026-01-02'), job('c', '2026-01-03', 'sweep')])
    expect(choices).toHaveLength(1)
    expect(choices[0].config).toMatchObject({ batchSize: 16, weights: [1e-7, 1] })
  })
})

describe('epsilonPoints', () => {
  test('should plot only architectures with a finite epsilon and an accuracy, keeping their row index', () => {
    const data: CompareResponse = {
      points: [{ arch: 'a', epsilon: 0.2, accuracy: 80, params: 1 }, { arch: 'b', epsilon: null, accuracy: 70, params: null }, { arch: 'c', epsilon: 0.3, accuracy: null, params: null }],
      proxies: [], stats: [], commonStats: [], topK: 1, accuracySource: 'x', paramsSource: 'y (1)', missing: [],
    }
    expect(epsilonPoints(data)).toEqual([{ x: 0.2, y: 80, color: 0, index: 0 }])
  })
})

describe('pageFromHash', () => {
  test('should route #/compare to Compare and anything unknown to Runs', () => {
    expect(pageFromHash('#/compare')).toBe('compare')
    expect(pageFromHash('#/spaces')).toBe('spaces')
    expect(pageFromHash('#/nope')).toBe('runs')
    expect(pageFromHash('')).toBe('runs')
  })
})
