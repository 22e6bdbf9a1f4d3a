import { describe, expect, test } from 'vitest'
import type { JobView, StoredStudyView } from '../../../shared/api.ts'
import { DEFAULT_STUDY_FORM, epsilonRuns, SEARCH_STUDY, studyCell, studyChoices, studyPlotOption, studyRequest, type StudyForm } from './studies.ts'

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

describe('the study picker and a stored study', () => {
  const stats = { spearman: 0.861, spearman_top10: null, kendall: 0.7, kendall_top10: 0.2, top10_top10: 55.55, top64_top5: 3 }
  const paper = { archs: null, spearman: 0.87, spearman_top10: 0.44, kendall: 0.68, kendall_top10: 0.31, top10_top10: 59.46, top64_top5: 34 }
  const study: StoredStudyView = {
    id: 'inputs-0123456789abcdef',
    study: 'inputs',
    space: 'nb201',
    dataset: 'cifar10',
    savedAt: '2026-12-07T01:48:09.123Z',
    accuracies: 'acc.csv',
    sample: { size: 8, candidates: 8, seed: 0 },
    config: 'weights (1e-7, 1), batch 4, input seed 0',
    paper: { table: 'Table 11', caption: 'NAS-Bench-201' },
    rows: [
      { key: 'real', label: 'real data', cells: 0, n: null, nan: null, stats: { ...stats, spearman: null }, quartiles: null, paper, unavailable: 'not installed' },
      { key: 'grey', label: 'grey scale', cells: 1, n: 8, nan: 0, stats, quartiles: null, paper },
    ],
    notes: [],
  }

  test('offers the search simulation first, then each stored study with its table and time', () => {
    expect(studyChoices([study])).toEqual([
      { value: SEARCH_STUDY, label: 'Search simulation (random search, ageing evolution)' },
      { value: 'inputs-0123456789abcdef', label: 'inputs: nb201/cifar10, 8 archs, Table 11 (2026-12-07 01:48)' },
    ])
  })

  test('puts the paper beside ours, a dash for a row not computed here', () => {
    expect(studyCell(study.rows[1], 'spearman', 2)).toEqual({ ours: '0.86', paper: '0.87' })
    expect(studyCell(study.rows[1], 'spearman_top10', 2)).toEqual({ ours: 'n/a', paper: '0.44' })
    expect(studyCell(study.rows[0], 'top10_top10', 1)).toEqual({ ours: '-', paper: '59.5' })
  })

  test('plots Spearman per row, ours and the paper\'s', () => {
    const option = studyPlotOption(study) as { xAxis: { data: string[] }; series: Array<{ name: string; data: Array<number | null> }> }
    expect(option.xAxis.data).toEqual(['real data', 'grey scale'])
    expect(option.series.map((s) => [s.name, s.data])).toEqual([
      ['ours', [null, 0.861]],
      ['paper (Table 11)', [0.87, 0.87]],
    ])
  })
})
