import { describe, expect, test } from 'vitest'
import type { JobView } from '../../../shared/api.ts'
import { DEFAULT_STUDY_FORM, epsilonRuns, studyRequest, type StudyForm } from './studies.ts'

const form = (overrides: Partial<StudyForm>): StudyForm => ({ space: 'nb201', dataset: 'cifar10', ...DEFAULT_STUDY_FORM, ...overrides })
const run = (space: string, dataset: string, createdAt: string): JobView =>
  ({ id: `j${createdAt}`, kind: 'score', createdAt, config: { space, dataset, input: 'grey', inputSeed: 0, batchSize: 256, pairs: [[1e-7, 1]], engine: 'collapsed', backend: 'auto' } }) as unknown as JobView

describe('the Studies form as a request', () => {
  const runs = epsilonRuns([run('nb201', 'cifar10', '2026-01-02'), run('nb201', 'cifar100', '2026-01-03')], 'nb201', 'cifar10')

  test('only score runs of the study space and dataset can give epsilon', () => {
    expect(runs.map((r) => [r.config.space, r.config.dataset])).toEqual([['nb201', 'cifar10']])
  })

  test("the paper's defaults with a chosen score run: both algorithms, plain and epsilon warm-up, budget 300, 100 repeats", () => {
    const built = studyRequest(form({ epsilonRun: runs[0].key }), runs)
    expect(built).toEqual({ ok: true, request: { space: 'nb201', dataset: 'cifar10', algorithms: ['random', 'evolution'], warmups: ['none', 'epsilon'], moves: ['none'], budget: 300, repeats: 100, seed: 0, pool: 3000, warmupSteps: 64, epsilon: runs[0].config } })
  })

  test('an epsilon guide without a score run, no algorithm, or an empty guide list say why nothing is sent', () => {
    expect(studyRequest(form({}), runs)).toEqual({ ok: false, reason: 'An epsilon guide reads a score run of this space and dataset: choose one (or start one on the Runs page).' })
    expect(studyRequest(form({ random: false, evolution: false }), runs)).toMatchObject({ ok: false, reason: 'Choose random search, evolution or both.' })
    expect(studyRequest(form({ moves: ' , ' }), runs)).toMatchObject({ ok: false })
    expect(studyRequest(form({ warmups: 'none, synflow ,synflow', moves: 'none,jacov' }), [])).toMatchObject({ ok: true, request: { warmups: ['none', 'synflow'], moves: ['none', 'jacov'] } })
  })
})
