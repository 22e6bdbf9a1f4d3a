import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { epsinas, tempDir } from './helpers.ts'

// Tiny batches keep the sweep to seconds; the code path is the one of batch 256.
const FAST = ['--batch', '4', '--workers', '2', '--no-progress']

describe('epsinas select-weights --evaluate', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())

  test('prints one row per strategy and the grid\'s best pair, and writes the evaluation as JSON', () => {
    const archsFile = join(dir, 'archs.txt')
    const archs = Array.from({ length: 16 }, (_, i) => nb201ArchAt(i * 937 + 5))
    writeFileSync(archsFile, `${archs.join('\n')}\n`)
    // Two archs without accuracy: they are scored but not judged.
    writeFileSync(join(dir, 'acc.csv'), `arch,accuracy\n${archs.slice(2).map((a, i) => `${a},${60 + ((i * 7) % 13)}`).join('\n')}\n`)
    const json = join(dir, 'evaluation.json')
    const run = epsinas(['select-weights', '--evaluate', '--archs', archsFile, '--accuracies', join(dir, 'acc.csv'), '--exponents', '-2..0', ...FAST, '--db', join(dir, 'e.db'), '--json', json])
    expect(run.stderr).toContain('16 architectures x 3 weight pairs')
    expect(run.status).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines[0].trim().split(/\s+/)).toEqual(['strategy', 'pair', 'coverage', 'spearman', 'kendall', 'full_rank', 'full_nan_last', 'full_nan_first', 'regret'])
    expect(lines.slice(1, 6).map((l) => l.split(/\s+/)[0])).toEqual(['reference', 'grid', 'plateau', 'agreement', '(grid'])
    expect(lines[6]).toMatch(/^\(14 archs with accuracies, NaN threshold 0\.1, job j[0-9a-f]+, \d+\.\d s\)$/)
    const evaluation = JSON.parse(readFileSync(json, 'utf8')) as { archs: number; pairs: Array<{ spearmanFull: number | null }>; rankedWith: string[]; strategies: Array<{ strategy: string; regret: number | null; evidence: string | null }> }
    expect(evaluation.archs).toBe(14)
    expect(evaluation.pairs).toHaveLength(3)
    // No proxies installed beside this cache: the full-coverage ranking is epsilon + parameter counts, judged for every pair.
    expect(evaluation.rankedWith).toEqual(['parameters'])
    for (const pair of evaluation.pairs) expect(pair.spearmanFull).toEqual(expect.any(Number))
    expect(evaluation.strategies.map((s) => s.strategy)).toEqual(['reference', 'grid', 'plateau', 'agreement'])
    // The sweep's parameter counts reach the harness: agreement ranks by them, not the plateau fallback.
    expect(evaluation.strategies.find((s) => s.strategy === 'agreement')?.evidence).toMatch(/^its ranking agrees best with the archs' parameter counts \(label-free\): Spearman -?\d\.\d{3} on the \d+ of 14 archs it scores/)
    for (const s of evaluation.strategies) if (s.regret !== null) expect(s.regret).toBeGreaterThanOrEqual(0)
  })

  test('select-weights --strategy plateau explains its choice by the plateau', () => {
    const json = join(dir, 'plateau.json')
    const run = epsinas(['select-weights', '--strategy', 'plateau', '--sample', '12', '--seed', '2', '--exponents', '-2..0', '--bootstrap', '20', ...FAST, '--db', join(dir, 'p.db'), '--json', json])
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^Chosen weights \[1e-?\d, 1e-?\d\] \(\d+\.\d% NaN\) on 12 sampled architectures: it is the centre of the largest plateau, \d of 3 pairs /)
    expect(run.stdout).toMatch(/\(plateau strategy, job j[0-9a-f]+, \d+\.\d s\)\n$/)
    const answer = JSON.parse(readFileSync(json, 'utf8')) as { strategy: string; evidence: string | null }
    expect(answer.strategy).toBe('plateau')
    expect(answer.evidence).toMatch(/^it is the centre of the largest plateau/)
  })

  test.each([
    [['--evaluate'], /--evaluate needs --accuracies FILE/],
    [['--strategy', 'plateau', '--metric', 'spearman', '--accuracies', 'x.csv'], /the plateau strategy uses no metric; use --strategy grid with --metric/],
    [['--strategy', 'best'], /Allowed choices are reference, grid, plateau, agreement/],
  ])('select-weights %j is refused with a clear message', (args, message) => {
    const run = epsinas(['select-weights', ...args, ...FAST, '--db', join(dir, 'never.db')])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(message)
  })
})
