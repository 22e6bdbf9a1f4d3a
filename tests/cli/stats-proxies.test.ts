import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { bootstrapStatsIntervals, spearman, statsWithIntervals } from '../../src/main/core/stats/index.ts'
import { signalsAgreeingWithEpsilon } from '../../src/main/core/ranking/agreeing-signals.ts'
import { rankEveryArch } from '../../src/main/core/ranking/full-coverage.ts'
import { getSpace } from '../../src/main/core/spaces/registry.ts'
import { epsinas, tempDir } from './helpers.ts'

/** Twenty NB201 archs; val_accuracy 50 + i, so the last are the best. */
const ARCHS = Array.from({ length: 20 }, (_, i) => nb201ArchAt(i * 311))
const ACCURACY = ARCHS.map((_, i) => 50 + i)
/** Epsilon: NaN on the five best (as at [1e-7, 1] on real data), perfect elsewhere. */
const EPSILON = ARCHS.map((_, i) => (i >= 15 ? null : i))
/** synflow: perfect where epsilon is finite; the five best get its five lowest scores. */
const SYNFLOW = ARCHS.map((_, i) => (i >= 15 ? -i : i))
/** jacov: NaN on the worst arch, perfect elsewhere. */
const JACOV = ARCHS.map((_, i) => (i === 0 ? null : i))

/** Issue 13 section 4: with Suite-Zero installed, `stats` shows every proxy on the same archs beside its own coverage. */
describe('epsinas stats with installed Suite-Zero proxies', () => {
  let dir: string
  let cleanup: () => void
  let db: string
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir())
    const home = join(dir, 'home')
    db = join(dir, 'cache.db')
    const score = (value: number | null): string => `{"score": ${value === null ? 'NaN' : value}, "time": 0.1}`
    const cells = ARCHS.map((arch, i) => `${JSON.stringify(arch)}: {"synflow": ${score(SYNFLOW[i])}, "jacov": ${score(JACOV[i])}, "val_accuracy": ${ACCURACY[i]}}`)
    const file = join(dir, 'zc_nasbench201.json')
    writeFileSync(file, `{"cifar10": {${cells.join(', ')}}}`)
    expect(epsinas(['data', 'import', 'zc-nasbench201', file, '--copy'], { EPSINAS_HOME: home }).stderr).toBe('')
    const converted = epsinas(['data', 'convert', 'zc-nasbench201', '--db', db, '--no-progress'], { EPSINAS_HOME: home })
    expect(converted.stderr).toBe('')
    expect(converted.status).toBe(0)
    writeFileSync(join(dir, 'scores.csv'), `arch,epsilon\n${ARCHS.map((arch, i) => `${arch},${EPSILON[i] ?? 'nan'}`).join('\n')}\n`)
  })
  afterAll(() => cleanup())

  test('prints coverage, then each proxy on the 14 shared archs and on its own coverage, with intervals', () => {
    const json = join(dir, 'stats.json')
    const run = epsinas(['stats', '--scores', join(dir, 'scores.csv'), '--db', db, '--json', json])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^coverage: 20 scored, 5 NaN, 20 joined with accuracies$/m)
    expect(run.stdout).toMatch(/^proxies on the same 14 of 20 architectures \(epsilon, the accuracy and every proxy finite\) and on their own coverage:$/m)
    const lines = run.stdout.split('\n')
    const row = (proxy: string): string[] => (lines.find((line) => line.startsWith(`${proxy} `)) ?? '').trim().split(/\s{2,}/)
    const synflowOwn = spearman(SYNFLOW, ACCURACY).toFixed(3)
    const ownInterval = bootstrapStatsIntervals(SYNFLOW, ACCURACY).spearman?.map((x) => x.toFixed(3)).join(', ')
    expect(row('epsilon')).toEqual(['epsilon', '14', '1.000 [1.000, 1.000]', '1.000 [1.000, 1.000]', '15', '1.000 [1.000, 1.000]', '1.000 [1.000, 1.000]', 'scores file'])
    expect(row('jacov')[7]).toBe('Suite-Zero (published)')
    expect(row('jacov').slice(0, 3)).toEqual(['jacov', '14', '1.000 [1.000, 1.000]'])
    expect(row('jacov')[4]).toBe('19')
    expect(row('synflow').slice(0, 3)).toEqual(['synflow', '14', '1.000 [1.000, 1.000]'])
    expect(row('synflow').slice(4, 6)).toEqual(['20', `${synflowOwn} [${ownInterval}]`])

    const stats = JSON.parse(readFileSync(json, 'utf8')) as { proxies: { commonArchs: number; rows: Array<{ proxy: string; common: { n: number }; own: { n: number; spearman: number; intervals: unknown } }> } }
    expect(stats.proxies.commonArchs).toBe(14)
    expect(stats.proxies.rows.map((r) => [r.proxy, r.common.n, r.own.n])).toEqual([['epsilon', 14, 15], ['jacov', 14, 19], ['synflow', 14, 20]])
    expect(stats.proxies.rows[2].own.intervals).toEqual(bootstrapStatsIntervals(SYNFLOW, ACCURACY))
  })

  /** The full-coverage statistics of the rank the rule gives with epsilon, parameters and `proxies`. */
  function fullCoverageOf(proxies: Record<string, ReadonlyArray<number | null>>) {
    const parameters = ARCHS.map((arch) => getSpace('nb201').parameterCount(arch, 'cifar10'))
    const others = Object.entries(proxies).map(([name, values]) => ({ name, values }))
    const { kept } = signalsAgreeingWithEpsilon([{ name: 'epsilon', values: EPSILON }, { name: 'parameters', values: parameters }, ...others])
    const { rank } = rankEveryArch(kept, ARCHS.length)
    return statsWithIntervals(rank.map((r) => -r), ACCURACY)
  }

  test('prints the full-coverage rank (epsilon and the signals that agree with it: synflow, jacov; not the parameter counts) beside epsilon over its non-NaN archs', () => {
    const json = join(dir, 'full.json')
    const run = epsinas(['stats', '--scores', join(dir, 'scores.csv'), '--db', db, '--json', json])
    expect(run.status).toBe(0)
    const full = fullCoverageOf({ synflow: SYNFLOW, jacov: JACOV })
    const cell = (value: number | null, interval: [number, number] | null): string => `${value?.toFixed(3)} [${interval?.map((x) => x.toFixed(3)).join(', ')}]`
    expect(run.stdout).toContain('rank: 15 ranked by epsilon, 5 placed by the aggregate of synflow, jacov, 0 unplaced (no signal, tied last)\n')
    // These five archs' parameter counts order the scored ones against epsilon: left out, and said so.
    expect(run.stdout).toContain('note: parameters left out of the ranking: it ranks against epsilon (Spearman -0.038 on 15 archs both score)\n')
    const lines = run.stdout.split('\n')
    const header = lines.findIndex((line) => line.includes('full-coverage rank, n 20 (95% CI)'))
    expect(lines[header]).toMatch(/^ +epsilon non-NaN, n 15 \(95% CI\) +full-coverage rank, n 20 \(95% CI\)$/)
    expect(lines[header + 1].split(/\s{2,}/)).toEqual(['Spearman rho', '1.000 [1.000, 1.000]', cell(full.spearman, full.intervals.spearman)])
    expect(lines[header + 2].split(/\s{2,}/)).toEqual(['Kendall tau-b', '1.000 [1.000, 1.000]', cell(full.kendall, full.intervals.kendall)])
    const stats = JSON.parse(readFileSync(json, 'utf8')) as { fullCoverage: Record<string, unknown> }
    expect(stats.fullCoverage).toEqual({ ...full, signals: ['epsilon', 'synflow', 'jacov'], placed: { epsilon: 15, aggregate: 5, none: 0 } })
    // synflow puts the five best below every other arch, so they do not all come back on top.
    expect(full.spearman).toBeLessThan(1)
  })

  test('--rank-with naming a proxy that is not installed is a one-line error', () => {
    const run = epsinas(['stats', '--scores', join(dir, 'scores.csv'), '--db', db, '--rank-with', 'jacov,grasp'])
    expect(run.status).toBe(2)
    expect(run.stderr.trim()).toBe(`epsinas: --rank-with: grasp not installed for nb201 cifar10 in ${db} (installed: jacov, synflow)`)
    expect(run.stdout).toBe('')
  })

  test('--rank-with jacov ranks with epsilon and jacov only (the parameter counts disagree with epsilon here)', () => {
    const json = join(dir, 'jacov.json')
    const run = epsinas(['stats', '--scores', join(dir, 'scores.csv'), '--db', db, '--json', json, '--rank-with', 'jacov'])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('5 placed by the aggregate of jacov, 0 unplaced')
    const stats = JSON.parse(readFileSync(json, 'utf8')) as { fullCoverage: Record<string, unknown> }
    expect(stats.fullCoverage).toEqual({ ...fullCoverageOf({ jacov: JACOV }), signals: ['epsilon', 'jacov'], placed: { epsilon: 15, aggregate: 5, none: 0 } })
  })
})
