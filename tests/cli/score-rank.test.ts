import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { rankEveryArch } from '../../src/main/core/ranking/full-coverage.ts'
import { getSpace } from '../../src/main/core/spaces/registry.ts'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { openStore } from '../../src/main/store/index.ts'
import { epsinas, tempDir } from './helpers.ts'

const FAST = ['--batch', '8', '--workers', '2', '--no-progress']
/** Six archs of the seeded sample plus the all-conv arch, NaN at [1e-7, 1] (no parameter-free path, engine.md). */
const ALL_CONV = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'
const ARCHS = [...Array.from({ length: 6 }, (_, i) => nb201ArchAt(i * 2003 + 17)), ALL_CONV]
/** Suite-Zero scores for all but the first arch: synflow rises with the index, jacov falls (NaN on the last). */
const SYNFLOW = ARCHS.map((_, i) => i * 10)
const JACOV = ARCHS.map((_, i) => (i === ARCHS.length - 1 ? null : -i))

interface RankedRow {
  arch: string
  epsilon: string
  rank: string
  placed_by: string
}

/** Issue 13, section 3: `score --out` ranks every arch of the job, NaN ones placed by parameters and the installed proxies. */
describe('epsinas score: the full-coverage rank', () => {
  let dir: string
  let cleanup: () => void
  let db: string
  let archsFile: string
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir())
    const home = join(dir, 'home')
    db = join(dir, 'cache.db')
    const score = (value: number | null): string => `{"score": ${value === null ? 'NaN' : value}, "time": 0.1}`
    const cells = ARCHS.slice(1).map((arch, k) => {
      const i = k + 1
      return `${JSON.stringify(arch)}: {"synflow": ${score(SYNFLOW[i])}, "jacov": ${score(JACOV[i])}, "snip": ${score(i)}, "val_accuracy": ${50 + i}}`
    })
    const file = join(dir, 'zc_nasbench201.json')
    writeFileSync(file, `{"cifar10": {${cells.join(', ')}}}`)
    expect(epsinas(['data', 'import', 'zc-nasbench201', file, '--copy'], { EPSINAS_HOME: home }).stderr).toBe('')
    expect(epsinas(['data', 'convert', 'zc-nasbench201', '--db', db, '--no-progress'], { EPSINAS_HOME: home }).status).toBe(0)
    archsFile = join(dir, 'archs.txt')
    writeFileSync(archsFile, `${ARCHS.join('\n')}\n`)
  })
  afterAll(() => cleanup())

  /** The ranks the rule gives for the epsilon of `rows` and the named proxies of the fixture. */
  function expectedRanks(rows: readonly RankedRow[], proxies: Record<string, ReadonlyArray<number | null>>): number[] {
    const epsilon = rows.map((row) => (row.epsilon === '' ? null : Number(row.epsilon)))
    const parameters = rows.map((row) => getSpace('nb201').parameterCount(row.arch, 'cifar10'))
    const byArch = (values: ReadonlyArray<number | null>): Array<number | null> => rows.map((row) => (row.arch === ARCHS[0] ? null : values[ARCHS.indexOf(row.arch)]))
    const others = Object.entries(proxies).map(([name, values]) => ({ name, values: byArch(values) }))
    return rankEveryArch([{ name: 'epsilon', values: epsilon }, { name: 'parameters', values: parameters }, ...others], rows.length).rank
  }

  test('CSV: a rank and what placed it next to epsilon, every arch ranked, by epsilon, parameters, synflow and jacov', () => {
    const out = join(dir, 'ranked.csv')
    const run = epsinas(['score', '--archs', archsFile, '--weights', '1e-7,1', ...FAST, '--db', db, '--out', out])
    expect(run.status).toBe(0)
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as RankedRow[]
    expect(Object.keys(rows[0]).slice(0, 5)).toEqual(['arch', 'epsilon', 'rank', 'placed_by', 'nan_reason'])
    expect(rows.map((row) => row.arch)).toEqual(ARCHS)
    const nan = rows.filter((row) => row.epsilon === '').length
    expect(rows.find((row) => row.arch === ALL_CONV)).toMatchObject({ epsilon: '', placed_by: 'aggregate' })
    expect(rows.map((row) => row.placed_by)).toEqual(rows.map((row) => (row.epsilon === '' ? 'aggregate' : 'epsilon')))
    expect(rows.map((row) => Number(row.rank))).toEqual(expectedRanks(rows, { synflow: SYNFLOW, jacov: JACOV }))
    // Every arch has a place: the ranks sum to 1 + 2 + ... + 7, ties included.
    expect(rows.reduce((sum, row) => sum + Number(row.rank), 0)).toBe(28)
    expect(run.stderr).toContain(`rank: ${ARCHS.length - nan} ranked by epsilon, ${nan} placed by the aggregate of parameters, synflow, jacov, 0 unplaced (no signal, tied last)\n`)
  })

  test('JSON with --rank-with none: epsilon and parameters only, and the job keeps the choice for its resumes', () => {
    const out = join(dir, 'ranked.json')
    const run = epsinas(['score', '--archs', archsFile, '--weights', '1e-7,1', '--rank-with', 'none', ...FAST, '--db', db, '--out', out])
    expect(run.status).toBe(0)
    expect(run.stderr).toMatch(/^rank: \d+ ranked by epsilon, \d+ placed by the aggregate of parameters, 0 unplaced/m)
    const json = JSON.parse(readFileSync(out, 'utf8')) as { ranking: { signals: string[]; placed: Record<string, number> }; scores: Array<{ arch: string; epsilon: number | null; rank: number; placed_by: string }> }
    expect(json.ranking.signals).toEqual(['epsilon', 'parameters'])
    const rows = json.scores.map((s) => ({ arch: s.arch, epsilon: s.epsilon === null ? '' : String(s.epsilon), rank: String(s.rank), placed_by: s.placed_by }))
    expect(json.scores.map((s) => s.rank)).toEqual(expectedRanks(rows, {}))
    expect(json.ranking.placed).toEqual({ epsilon: rows.filter((r) => r.epsilon !== '').length, aggregate: rows.filter((r) => r.epsilon === '').length, none: 0 })
    const store = openStore(db)
    try {
      const job = store.jobs.list().find((j) => j.kind === 'score' && JSON.parse(j.spec).out === out)
      expect(JSON.parse(job?.spec ?? '{}').rankWith).toEqual([])
    } finally {
      store.close()
    }
  })

  test('--rank-with names an installed proxy: it joins the aggregate', () => {
    const out = join(dir, 'snip.csv')
    const run = epsinas(['score', '--archs', archsFile, '--weights', '1e-7,1', '--rank-with', 'snip', ...FAST, '--db', db, '--out', out])
    expect(run.status).toBe(0)
    expect(run.stderr).toMatch(/placed by the aggregate of parameters, snip, 0 unplaced/)
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as RankedRow[]
    expect(rows.map((row) => Number(row.rank))).toEqual(expectedRanks(rows, { snip: ARCHS.map((_, i) => i) }))
  })

  test.each([
    [['--rank-with', 'grasp,synflow'], `--rank-with: grasp not installed for nb201 cifar10 in `],
    [['--rank-with', 'val_accuracy'], '--rank-with: val_accuracy is an accuracy, not a label-free proxy'],
    [['--rank-with', 'synflow,'], '--rank-with "synflow,": expected none or a comma-separated list of proxy names'],
    [['--rank-with', 'parameters'], '--rank-with names proxies besides epsilon and parameters, which are always used'],
  ])('%j is refused in one line before anything is scored', (args, message) => {
    const before = readFileSync(db)
    const run = epsinas(['score', '--archs', archsFile, ...args, ...FAST, '--db', db])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(message)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(readFileSync(db).equals(before)).toBe(true)
  })
})
