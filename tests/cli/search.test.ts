import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { epsinas, tempDir } from './helpers.ts'

/** Twelve NB201 archs; val_accuracy 60 + i. synflow ranks them backwards and is NaN on arch 3; jacov ranks them right. */
const ARCHS = Array.from({ length: 12 }, (_, i) => nb201ArchAt(i * 1301 + 7))
const ACCURACY = ARCHS.map((_, i) => 60 + i)
const SYNFLOW = ARCHS.map((_, i) => (i === 3 ? null : -i))
const JACOV = ARCHS.map((_, i) => i)

interface SearchJson {
  archs: number
  pool: number
  notes: string[]
  variants: Array<{ name: string; algorithm: string; warmup: string; move: string; curve: { median: number[]; q25: number[]; q75: number[] }; final: { median: number; q25: number; q75: number } }>
}

/** Issue 16 section 1: `epsinas search` over an installed Suite-Zero file, its archs the whole space. */
describe('epsinas search on an installed Suite-Zero NB201 file', () => {
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
    expect(epsinas(['data', 'convert', 'zc-nasbench201', '--db', db, '--no-progress'], { EPSINAS_HOME: home }).status).toBe(0)
  })
  afterAll(() => cleanup())

  const search = (args: readonly string[]) => epsinas(['search', '--db', db, '--no-progress', ...args])
  const readJson = (path: string): SearchJson => JSON.parse(readFileSync(path, 'utf8')) as SearchJson

  test('a warm-up with a proxy that ranks the best arch first finds it at the first trained model; one ranking it last does not', () => {
    const json = join(dir, 'warm.json')
    const run = search(['--algorithm', 'random,evolution', '--warmup', 'none,jacov,synflow', '--budget', '1', '--repeats', '20', '--json', json])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const lines = run.stdout.split('\n')
    expect(lines[0]).toMatch(/^12 archs with installed nb201 cifar10 accuracies; curve: item zc-nasbench201 .*validation split/)
    expect(lines[1]).toBe('budget 1 trained models, 20 repeats, seed 0: best accuracy found, median [q25, q75]')
    const row = (name: string): string[] | undefined => lines.find((line) => line.startsWith(`${name}  `))?.split(/\s{2,}/)
    expect(row('random + warm-up jacov')).toEqual(['random + warm-up jacov', '71.00 [71.00, 71.00]'])
    expect(row('evolution + warm-up jacov')).toEqual(['evolution + warm-up jacov', '71.00 [71.00, 71.00]'])
    // synflow ranks arch 0 best (arch 3 is NaN: last, not first).
    expect(row('random + warm-up synflow')).toEqual(['random + warm-up synflow', '60.00 [60.00, 60.00]'])
    expect(row('evolution + warm-up synflow')).toEqual(['evolution + warm-up synflow', '60.00 [60.00, 60.00]'])
    expect(run.stdout).toContain('note: synflow: 1 of 12 archs NaN or unscored, ranked last\n')
    expect(run.stdout).toContain('note: --pool 3000 capped at the 12 archs with accuracies\n')
    const result = readJson(json)
    expect(result.archs).toBe(12)
    expect(result.pool).toBe(12)
    expect(result.variants.map((v) => v.name)).toEqual(['random', 'random + warm-up jacov', 'random + warm-up synflow', 'evolution', 'evolution + warm-up jacov', 'evolution + warm-up synflow'])
    expect(result.variants[1]).toMatchObject({ algorithm: 'random', warmup: 'jacov', move: 'none', curve: { median: [71], q25: [71], q75: [71] }, final: { median: 71, q25: 71, q75: 71 } })
  })

  test('the JSON has a best-so-far curve per trained model; the same seed gives the same file, another seed another', () => {
    const run = (seed: string, name: string): SearchJson => {
      const path = join(dir, name)
      const result = search(['--algorithm', 'random,evolution', '--move', 'none,jacov', '--budget', '30', '--repeats', '5', '--seed', seed, '--json', path])
      expect(result.status).toBe(0)
      return readJson(path)
    }
    const once = run('4', 'a.json')
    expect(run('4', 'b.json')).toEqual(once)
    expect(run('5', 'c.json').variants.map((v) => v.curve)).not.toEqual(once.variants.map((v) => v.curve))
    expect(once.variants.map((v) => v.name)).toEqual(['random', 'evolution', 'evolution + move jacov'])
    for (const variant of once.variants) {
      expect(variant.curve.median.length).toBe(30)
      expect(variant.final.median).toBe(variant.curve.median[29])
      for (let i = 1; i < 30; i++) expect(variant.curve.median[i]).toBeGreaterThanOrEqual(variant.curve.median[i - 1])
    }
  })

  test('--warmup epsilon scores the archs through a score job (then from the cache) and starts from the best epsilon', () => {
    const json = join(dir, 'epsilon.json')
    const args = ['--algorithm', 'random', '--warmup', 'epsilon', '--budget', '1', '--repeats', '3', '--batch', '4', '--json', json]
    const first = search(args)
    expect(first.status).toBe(0)
    expect(first.stderr).toMatch(/^job j[0-9a-f]{8}: epsilon of the 12 archs with accuracies, from the cache or scored now/m)
    expect(first.stderr).toMatch(/12 architectures: 12 scored now .* 0 from the cache/)
    const again = search(args)
    expect(again.stderr).toMatch(/12 architectures: 0 scored now .* 12 from the cache/)
    // The epsilon the job cached: the warm-up's first trained model is the arch epsilon ranks best.
    const scores = join(dir, 'scores.csv')
    expect(epsinas(['score', '--archs', writeArchs(), '--db', db, '--batch', '4', '--no-progress', '--out', scores]).status).toBe(0)
    const rows = readFileSync(scores, 'utf8').trim().split('\n').slice(1).map((line) => line.split(','))
    const epsilon = new Map(rows.map((row) => [row[0], Number(row[1])]))
    const finite = ARCHS.map((arch, i) => ({ accuracy: ACCURACY[i], epsilon: epsilon.get(arch) ?? Number.NaN })).filter((a) => Number.isFinite(a.epsilon))
    expect(finite.length).toBeGreaterThan(0)
    const bestByEpsilon = finite.reduce((a, b) => (b.epsilon > a.epsilon ? b : a))
    expect(readJson(json).variants[0].final).toEqual({ median: bestByEpsilon.accuracy, q25: bestByEpsilon.accuracy, q75: bestByEpsilon.accuracy })
  })

  function writeArchs(): string {
    const path = join(dir, 'archs.txt')
    writeFileSync(path, `${ARCHS.join('\n')}\n`)
    return path
  }

  test('--move with random search only says it was not used', () => {
    const run = search(['--algorithm', 'random', '--move', 'jacov', '--budget', '5', '--repeats', '2'])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('note: --move picks evolution parents: random search has none, so it was not used\n')
    expect(run.stdout.split('\n').filter((line) => line.startsWith('random'))).toHaveLength(1)
  })

  test('a proxy that is not installed, and a space without installed accuracies, are one-line errors that write nothing', () => {
    const json = join(dir, 'never.json')
    const proxy = search(['--warmup', 'grasp', '--json', json])
    expect(proxy.status).toBe(2)
    expect(proxy.stderr).toBe(`epsinas: grasp is not epsilon, none or a proxy installed for nb201 cifar10 in ${db} (installed: jacov, synflow)\n`)
    const space = search(['--space', 'nb101', '--json', json])
    expect(space.status).toBe(2)
    expect(space.stderr).toBe(`epsinas: no installed nb101 cifar10 accuracies in ${db} (see epsinas data list, or pass --accuracies FILE)\n`)
    const algorithm = search(['--algorithm', 'bayes'])
    expect(algorithm.status).toBe(2)
    expect(algorithm.stderr).toContain("--algorithm takes random, evolution, comma-separated (got 'bayes')")
    expect(existsSync(json)).toBe(false)
  })
})
