import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { bootstrapStatsIntervals } from '../../src/main/core/stats/index.ts'
import { epsinas, tempDir } from './helpers.ts'

describe('epsinas stats', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())

  test('prints the section-5 table and writes the JSON keys, NaN scores counted', () => {
    // 100 archs; accuracy = index, epsilon = index except two reversed pairs and one NaN.
    const archs = Array.from({ length: 100 }, (_, i) => nb201ArchAt(i * 7))
    const epsilon = archs.map((_, i) => (i === 10 ? '' : String(i === 20 ? 21 : i === 21 ? 20 : i)))
    writeFileSync(join(dir, 'scores.csv'), `arch,epsilon\n${archs.map((a, i) => `${a},${epsilon[i]}`).join('\n')}\n`)
    writeFileSync(join(dir, 'acc.csv'), `arch,accuracy\n${archs.map((a, i) => `${a},${i}`).join('\n')}\n`)
    const json = join(dir, 'stats.json')
    // A --db that does not exist holds no proxies: the statistics of epsilon alone.
    const run = epsinas(['stats', '--scores', join(dir, 'scores.csv'), '--accuracies', join(dir, 'acc.csv'), '--json', json, '--db', join(dir, 'absent.db')])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^coverage: 100 scored, 1 NaN, 100 joined with accuracies$/m)
    expect(run.stdout).toMatch(/architectures used \(n\)\s+99/)
    expect(run.stdout).toMatch(/dropped \(NaN score or accuracy\)\s+1/)
    // The intervals printed are those of the pure function on the same 99 pairs.
    const intervals = bootstrapStatsIntervals(epsilon.map((e) => (e === '' ? null : Number(e))), archs.map((_, i) => i))
    const range = (interval: [number, number] | null): string => `95% CI \\[${interval?.map((x) => x.toFixed(3)).join(', ')}\\]`
    expect(run.stdout).toMatch(new RegExp(`Spearman rho\\s+\\d\\.\\d{3}  ${range(intervals.spearman)}\n`))
    expect(run.stdout).toMatch(new RegExp(`Kendall tau-b\\s+\\d\\.\\d{3}  ${range(intervals.kendall)}\n`))
    const stats = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>
    expect(Object.keys(stats).sort()).toEqual(['coverage', 'fullCoverage', 'intervals', 'kendall', 'kendall_top10', 'n', 'nan', 'proxies', 'spearman', 'spearman_top10', 'top10_top10', 'top64_top5'])
    // Without installed proxies the NaN arch is placed by its parameter count, every arch counted.
    expect(stats.fullCoverage).toMatchObject({ n: 100, nan: 0, signals: ['epsilon', 'parameters'], placed: { epsilon: 99, aggregate: 1, none: 0 } })
    expect(run.stdout).toContain('rank: 99 ranked by epsilon, 1 placed by the aggregate of parameters, 0 unplaced (no signal, tied last)\n')
    expect(stats.coverage).toEqual({ scored: 100, nan: 1, joined: 100 })
    expect(stats.intervals).toEqual(intervals)
    expect(stats.proxies).toBeNull()
    expect(stats.n).toBe(99)
    expect(stats.nan).toBe(1)
    // One swapped adjacent pair among 99: tau-b = 1 - 2 * 1 / C(99, 2).
    expect(stats.kendall as number).toBeCloseTo(1 - 2 / ((99 * 98) / 2), 12)
    expect(stats.spearman as number).toBeCloseTo(1 - (6 * 2) / (99 * (99 * 99 - 1)), 12)
    expect(stats.top10_top10).toBe(100)
  })

  test('a --db that cannot give proxies (not a SQLite file) is a note, the statistics still print, the file is left unchanged', () => {
    const archs = Array.from({ length: 5 }, (_, i) => nb201ArchAt(i))
    writeFileSync(join(dir, 's5.csv'), `arch,epsilon\n${archs.map((a, i) => `${a},${i}`).join('\n')}\n`)
    writeFileSync(join(dir, 'a5.csv'), `arch,accuracy\n${archs.map((a, i) => `${a},${i}`).join('\n')}\n`)
    const notDb = join(dir, 'notes.txt')
    writeFileSync(notDb, 'my notes, not a database\n')
    const run = epsinas(['stats', '--scores', join(dir, 's5.csv'), '--accuracies', join(dir, 'a5.csv'), '--db', notDb])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/Spearman rho\s+1\.000/)
    expect(run.stdout).toMatch(/^note: other proxies not compared: .*notes\.txt.*$/m)
    expect(readFileSync(notDb, 'utf8')).toBe('my notes, not a database\n')
  })

  test('a missing accuracies file is a clear error', () => {
    writeFileSync(join(dir, 's.csv'), `arch,epsilon\n${nb201ArchAt(1)},0.5\n`)
    const run = epsinas(['stats', '--scores', join(dir, 's.csv'), '--accuracies', join(dir, 'nope.csv')])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('nope.csv')
  })
})
