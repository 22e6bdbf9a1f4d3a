import { readFileSync, writeFileSync } from 'node:fs'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { epsinas, tempDir } from './helpers.ts'

// Tiny batches keep a sweep over a dozen archs to seconds; the code path is the one of batch 256.
const FAST = ['--batch', '4', '--workers', '2', '--no-progress']

describe('epsinas sweep and select-weights', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())

  test('sweep prints one row per pair with n and NaN, and a rerun is served from the cache', () => {
    const db = join(dir, 'sweep.db')
    const out = join(dir, 'sweep.json')
    const args = ['sweep', '--sample', '12', '--seed', '3', '--exponents', '-3..0', ...FAST, '--db', db, '--out', out]
    const run = epsinas(args)
    expect(run.stderr).toContain('12 architectures x 6 weight pairs')
    expect(run.status).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines[0].trim().split(/\s+/)).toEqual(['w_low', 'w_high', 'n', 'NaN', 'NaN%'])
    expect(lines).toHaveLength(7)
    const rows = JSON.parse(readFileSync(out, 'utf8')) as Array<{ exp_low: number; exp_high: number; n: number; nan: number }>
    expect(rows.map((r) => [r.exp_low, r.exp_high])).toEqual([[-3, -2], [-3, -1], [-3, 0], [-2, -1], [-2, 0], [-1, 0]])
    expect(rows.every((r) => r.n === 12)).toBe(true)

    const again = epsinas(args)
    expect(again.status).toBe(0)
    expect(again.stderr).toMatch(/0 scored now .*, 72 from the cache/)
  })

  test('sweep with accuracies adds the section-5 statistics to every pair', () => {
    const archsFile = join(dir, 'archs.txt')
    const archs = Array.from({ length: 70 }, (_, i) => nb201ArchAt(i * 211 + 9))
    writeFileSync(archsFile, `${archs.join('\n')}\n`)
    writeFileSync(join(dir, 'acc.csv'), `arch,accuracy\n${archs.map((a, i) => `${a},${50 + (i % 17)}`).join('\n')}\n`)
    const run = epsinas(['sweep', '--archs', archsFile, '--accuracies', join(dir, 'acc.csv'), '--exponents', '-1..1', ...FAST, '--db', join(dir, 'acc.db')])
    expect(run.status).toBe(0)
    const [header, ...rows] = run.stdout.trim().split('\n').map((line) => line.trim().split(/\s+/))
    expect(header).toEqual(['w_low', 'w_high', 'n', 'NaN', 'NaN%', 'spearman', 'kendall', 'spearman_top10', 'kendall_top10', 'top10_top10', 'top64_top5'])
    expect(rows).toHaveLength(3)
    for (const row of rows) expect(Math.abs(Number(row[5]))).toBeLessThanOrEqual(1)
  })

  test('select-weights (grid) answers in one paragraph with the runner-up and stability, and writes JSON', () => {
    const json = join(dir, 'choice.json')
    const run = epsinas(['select-weights', '--strategy', 'grid', '--sample', '10', '--seed', '1', '--exponents', '-3..0', '--nan-threshold', '0.2', '--bootstrap', '50', ...FAST, '--db', join(dir, 'grid.db'), '--json', json])
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^Chosen weights \[1e-?\d, 1e-?\d\] \(\d+\.\d% NaN\) on 10 sampled architectures: it is the widest pair whose NaN fraction is under 20\.0%\. Runner-up: .* In 50 bootstrap resamples of the architectures the same pair was chosen \d+\.\d% of the time\.\n\(grid strategy, job j[0-9a-f]+, \d+\.\d s\)\n$/)
    const answer = JSON.parse(readFileSync(json, 'utf8')) as { chosen: { weights: number[]; nan_fraction: number }; stability: { resamples: number }; considered: unknown[] }
    expect(answer.chosen.nan_fraction).toBeLessThan(0.2)
    expect(answer.stability.resamples).toBe(50)
    expect(answer.considered).toHaveLength(6)
  })

  test('select-weights without --strategy ranks the pairs against the parameter counts (agreement)', () => {
    const json = join(dir, 'agreement.json')
    const run = epsinas(['select-weights', '--sample', '12', '--seed', '1', '--exponents', '-3..0', '--bootstrap', '20', ...FAST, '--db', join(dir, 'agreement.db'), '--json', json])
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(
      /^Chosen weights \[1e-?\d, 1e-?\d\] \(\d+\.\d% NaN\) on 12 sampled architectures: its ranking agrees best with the archs' parameter counts \(label-free\): Spearman -?\d\.\d{3} on the \d+ of 12 archs it scores/,
    )
    expect(run.stdout).toMatch(/\(agreement strategy, job j[0-9a-f]+, \d+\.\d s\)\n$/)
    const answer = JSON.parse(readFileSync(json, 'utf8')) as { strategy: string; chosen: { metric: number }; considered: Array<{ metric: number | null }> }
    expect(answer.strategy).toBe('agreement')
    // The chosen pair's score is its Spearman with the counts, the highest of the pairs compared.
    expect(answer.chosen.metric).toBe(Math.max(...answer.considered.flatMap((v) => (v.metric === null ? [] : [v.metric]))))
  })

  test('select-weights (reference) draws the numpy sample and walks the windows', () => {
    const json = join(dir, 'reference.json')
    const run = epsinas(['select-weights', '--strategy', 'reference', '--sample', '8', '--exponents', '-2..0', '--bootstrap', '0', ...FAST, '--db', join(dir, 'ref.db'), '--json', json])
    expect(run.status === 0 || run.status === 2).toBe(true)
    const answer = JSON.parse(readFileSync(json, 'utf8')) as { strategy: string; sample_size: number; considered: Array<{ exponents: number[] }> }
    expect(answer.strategy).toBe('reference')
    expect(answer.sample_size).toBe(8)
    // Window 2 first, then window 1 sliding up, stopping at the first pair under 10% NaN.
    expect(answer.considered.map((v) => v.exponents)).toEqual([[-2, 0], [-2, -1], [-1, 0]].slice(0, answer.considered.length))
  })

  test.each([
    [['--exponents', '-1..-1'], /the exponent grid -1\.\.-1 is empty/],
    [['--exponents', 'seven'], /--exponents takes a range like -7\.\.1/],
    [['--nan-threshold', '1.5'], /--nan-threshold is a fraction in \(0, 1\]/],
    [['--nan-threshold', '0'], /--nan-threshold is a fraction in \(0, 1\]/],
    [['--strategy', 'best'], /Allowed choices are reference, grid/],
    [['--metric', 'spearman'], /--metric spearman needs --accuracies FILE/],
    [['--metric', 'spearman', '--accuracies', 'acc.csv'], /the agreement strategy uses no metric; use --strategy grid with --metric/],
    [['--strategy', 'reference', '--step', '0.5'], /integer exponents with step 1/],
  ])('select-weights %j is refused with a clear message', (args, message) => {
    const run = epsinas(['select-weights', ...args, ...FAST, '--db', join(dir, 'never.db')])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(message)
  })
})
