import { describe, expect, test } from 'vitest'
import type { EpsilonStats } from '../../src/main/core/stats/index.ts'
import { NBNLP_EMBEDDINGS } from '../../src/main/core/spaces/nbnlp/index.ts'
import { buildStudyRows, formatStudyTable, PAPER_INPUTS_TABLE, PAPER_WEIGHTS_TABLES, planBatch, planEmbedding, planInputs, planWeights, type StudyBase } from '../../src/main/studies/index.ts'

const BASE: StudyBase = { space: 'nb201', dataset: 'cifar10', weights: [1e-7, 1], batch: 256, input: 'grey', inputSeed: 0 }

function stats(spearman: number, kendall: number, n = 10): EpsilonStats {
  return { n, nan: 2, spearman, kendall, spearman_top10: null, kendall_top10: null, top10_top10: 50, top64_top5: null }
}

describe('the paper tables', () => {
  test('Tables 5-7 hold every weight pair of their range, with the values the paper prints', () => {
    expect(PAPER_WEIGHTS_TABLES.map((t) => [t.paper.table, t.paper.rows.size])).toEqual([['Table 5', 10], ['Table 6', 28], ['Table 7', 28]])
    // Table 6, row "1e-07, 1": the paper's chosen NB201 pair.
    expect(PAPER_WEIGHTS_TABLES[1].paper.rows.get('-7,0')).toEqual({ archs: 2957, spearman: 0.87, spearman_top10: 0.59, kendall: 0.7, kendall_top10: 0.43, top10_top10: 65.88, top64_top5: 45 })
    // Table 7's last row.
    expect(PAPER_WEIGHTS_TABLES[2].paper.rows.get('-1,0')).toEqual({ archs: 652, spearman: -0.27, spearman_top10: 0.2, kendall: -0.19, kendall_top10: 0.13, top10_top10: 10.61, top64_top5: 7 })
  })

  test('Table 11 has no archs column and its grey row is the paper\'s', () => {
    expect(PAPER_INPUTS_TABLE.rows.get('grey')).toEqual({ archs: null, spearman: 0.87, spearman_top10: 0.44, kendall: 0.68, kendall_top10: 0.31, top10_top10: 59.46, top64_top5: 34 })
  })
})

describe('study plans', () => {
  test('weights: the paper range of the space, each pair with its paper row; another range has rows without', () => {
    const plan = planWeights(BASE)
    expect(plan.paper?.table).toBe('Table 6')
    expect(plan.rows).toHaveLength(28)
    expect(plan.rows[6]).toMatchObject({ key: '-7,0', label: '1e-7, 1e0', cells: [{ weights: [1e-7, 1], batch: 256 }] })
    expect(plan.rows[6].paper?.spearman).toBe(0.87)
    const wider = planWeights(BASE, [-1, 1])
    expect(wider.rows.map((row) => [row.key, row.paper?.spearman ?? null])).toEqual([['-1,0', 0.01], ['-1,1', null], ['0,1', null]])
  })

  test('weights on a space the paper has no table for says so', () => {
    const plan = planWeights({ ...BASE, space: 'natssss' })
    expect(plan.paper).toBeNull()
    expect(plan.notes).toEqual(['the paper has no weights table for natssss cifar10 (Tables 5-7: nb101 cifar10, nb201 cifar10, nbnlp ptb)'])
  })

  test('batch: repeats are consecutive input seeds for a seeded input, one batch for grey', () => {
    const seeded = planBatch({ ...BASE, input: 'normal', inputSeed: 5 }, [8, 16], 3, true)
    expect(seeded.rows.map((row) => row.cells.map((cell) => [cell.batch, cell.inputSeed]))).toEqual([[[8, 5], [8, 6], [8, 7]], [[16, 5], [16, 6], [16, 7]]])
    const grey = planBatch(BASE, [8], 10, false)
    expect(grey.rows[0].cells).toHaveLength(1)
    expect(grey.notes).toEqual(['--input grey is the same batch for every seed: one batch per size, not 10'])
    expect(grey.paper?.table).toBe('Figure 4')
  })

  test('inputs: an unavailable input keeps its paper row and its reason; paper values only for NB201 CIFAR-10', () => {
    const plan = planInputs(BASE, new Map([['real', 'not installed']]))
    expect(plan.rows.map((row) => [row.key, row.cells.length, row.unavailable ?? null])).toEqual([['real', 0, 'not installed'], ['grey', 1, null], ['normal', 1, null], ['uniform', 1, null], ['uniform-pos', 1, null]])
    expect(planInputs({ ...BASE, dataset: 'cifar100' }, new Map()).rows.every((row) => row.paper === null)).toBe(true)
  })

  test('embedding: the six rows of Table 10, each one cell with its variant', () => {
    const plan = planEmbedding({ ...BASE, space: 'nbnlp', dataset: 'ptb', weights: [1e-5, 1e-3] })
    const variants = ['uniform-pos-0.1', 'uniform-pos-1', 'uniform-centred-0.1', 'uniform-centred-1', 'normal-0.1', 'normal-1']
    expect(plan.rows.map((row) => [row.key, row.cells.map((cell) => cell.embedding)])).toEqual(variants.map((v) => [v, [v]]))
    // The rows name exactly the variants the NB-NLP network can build.
    expect(variants).toEqual(Object.keys(NBNLP_EMBEDDINGS))
    expect(plan.rows.every((row) => row.unavailable === undefined)).toBe(true)
    expect(plan.rows[1].paper?.archs).toBe(776)
    expect(plan.notes).toEqual([])
  })
})

describe('study tables', () => {
  test('a row of repeats gives the medians with the quartiles of Spearman and Kendall', () => {
    const plan = planBatch({ ...BASE, input: 'normal' }, [8], 5, true)
    const [row] = buildStudyRows(plan, [[stats(0.1, 0.0), stats(0.2, 0.1), stats(0.3, 0.2), stats(0.4, 0.3), stats(0.5, 0.4)]])
    expect(row.stats.spearman).toBeCloseTo(0.3, 12)
    expect(row.quartiles?.spearman?.[0]).toBeCloseTo(0.2, 12)
    expect(row.quartiles?.spearman?.[1]).toBeCloseTo(0.4, 12)
    expect(row.quartiles?.kendall?.[0]).toBeCloseTo(0.1, 12)
    expect(row.stats.spearman_top10).toBeNull()
    expect(row.n).toBe(10)
    expect(formatStudyTable([row]).split('\n')[1]).toMatch(/^batch 8\s+10\s+2\s+0\.30 \[0\.20, 0\.40\]\s+n\/a\s+0\.20 \[0\.10, 0\.30\]\s+n\/a\s+50\.0\s+n\/a$/)
  })

  test('ours beside the paper\'s in brackets; an unavailable row shows only the paper and its reason', () => {
    const plan = planInputs(BASE, new Map([['real', 'cifar10 images not installed']]))
    const rows = buildStudyRows(plan, [[], [stats(0.8, 0.6)], [stats(0.5, 0.3)], [stats(0.5, 0.3)], [stats(0.6, 0.4)]])
    const lines = formatStudyTable(rows).split('\n')
    expect(lines[0].trim().split(/\s{2,}/)).toEqual(['n (paper)', 'NaN', 'rho', 'rho top10%', 'tau', 'tau top10%', 'top10%/top10%', 'top64/top5%'])
    expect(lines[1]).toMatch(/^real data\s+-\s+-\s+- \(0\.87\)\s+- \(0\.59\)\s+- \(0\.70\)\s+- \(0\.43\)\s+- \(65\.9\)\s+- \(45\)$/)
    expect(lines[2]).toMatch(/^grey scale\s+10\s+2\s+0\.80 \(0\.87\)\s+n\/a \(0\.44\)\s+0\.60 \(0\.68\)/)
    expect(lines.at(-1)).toBe('- real data: cifar10 images not installed')
  })

  test('repeats where no batch defines a correlation print n/a without quartiles', () => {
    const [row] = buildStudyRows(planBatch({ ...BASE, input: 'normal' }, [2], 2, true), [[{ ...stats(0, 0), spearman: null, kendall: null }, { ...stats(0, 0), spearman: null, kendall: null }]])
    expect(row.quartiles).toEqual({ spearman: null, kendall: null })
    expect(formatStudyTable([row]).split('\n')[1]).toMatch(/^batch 2\s+10\s+2\s+n\/a\s+n\/a\s+n\/a\s+n\/a\s+50\.0\s+n\/a$/)
  })

  test('results that do not match the plan are a bug, not a quiet table', () => {
    expect(() => buildStudyRows(planBatch(BASE, [8], 1, false), [[]])).toThrow('study row 8: 0 results for 1 cells')
  })
})
