import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { listStoredStudies, saveStudy, studiesDirectory, type StudyDocument } from '../../src/main/services/studies-store.ts'
import { tempDir } from '../cli/helpers.ts'

const { dir, cleanup } = tempDir()
afterAll(() => cleanup())

function document(study: string, seed: number): StudyDocument {
  const stats = { spearman: 0.5, spearman_top10: null, kendall: 0.4, kendall_top10: null, top10_top10: 20, top64_top5: null }
  return {
    study,
    space: 'nb201',
    dataset: 'cifar10',
    accuracies: 'acc.csv',
    sample: { size: 10, candidates: 14, seed },
    config: 'batch 4, grey input',
    paper: null,
    rows: [{ key: 'grey', label: 'grey scale', cells: 1, n: 10, nan: 0, stats, quartiles: null, paper: null }],
    notes: [],
  }
}

describe('stored studies', () => {
  test('one document per study and sample, beside the cache; a rerun replaces it; newest first', () => {
    const cache = join(dir, 'epsinas.db')
    saveStudy(cache, document('inputs', 0), new Date('2026-12-01T00:00:00Z'))
    saveStudy(cache, document('inputs', 0), new Date('2026-12-02T00:00:00Z'))
    saveStudy(cache, document('inputs', 1), new Date('2026-12-03T00:00:00Z'))
    expect(readdirSync(studiesDirectory(cache)).sort()).toHaveLength(2)
    const listed = listStoredStudies(cache)
    expect(listed.map((s) => [s.sample.seed, s.savedAt])).toEqual([
      [1, '2026-12-03T00:00:00.000Z'],
      [0, '2026-12-02T00:00:00.000Z'],
    ])
    expect(listed[0].id).toMatch(/^inputs-[0-9a-f]{16}$/)
  })

  test('skips files that are not study documents, and lists nothing where none was stored', () => {
    const cache = join(dir, 'other', 'epsinas.db')
    expect(listStoredStudies(cache)).toEqual([])
    mkdirSync(studiesDirectory(cache), { recursive: true })
    writeFileSync(join(studiesDirectory(cache), 'cut.json'), '{"id": "x", "stu')
    writeFileSync(join(studiesDirectory(cache), 'other.json'), '{"id": "x"}')
    saveStudy(cache, document('batch', 0))
    expect(listStoredStudies(cache).map((s) => s.study)).toEqual(['batch'])
  })
})
