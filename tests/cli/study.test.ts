import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { getSpace } from '../../src/main/core/spaces/registry.ts'
import { listStoredStudies } from '../../src/main/services/studies-store.ts'
import { SMALL_MODELS, writeModels } from '../user-spaces/helpers.ts'
import { epsinas, tempDir } from './helpers.ts'

// Tiny batches keep each cell to a second or two; the code path is the one of batch 256.
const FAST = ['--batch', '4', '--workers', '2', '--no-progress']
// The batch study sets the batch itself (--batches).
const FAST_BATCH = ['--workers', '2', '--no-progress']

interface StudyJson {
  study: string
  sample: { archs: string[]; candidates: number }
  paper: { table: string } | null
  rows: Array<{ key: string; cells: number; n: number | null; stats: { spearman: number | null }; quartiles: { spearman: [number, number] | null } | null; perCell: unknown[]; paper: { spearman: number } | null; unavailable?: string }>
}

function readJson(path: string): StudyJson {
  return JSON.parse(readFileSync(path, 'utf8')) as StudyJson
}

/** A CSV field: quoted (NB-NLP archs are JSON with commas and quotes). */
function csvField(text: string): string {
  return `"${text.replaceAll('"', '""')}"`
}

describe('epsinas study', () => {
  let dir: string
  let cleanup: () => void
  let accuracies: string
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir())
    // 14 archs with accuracies: a sample of 10 of them is drawn.
    const archs = Array.from({ length: 14 }, (_, i) => nb201ArchAt(i * 977 + 13))
    accuracies = join(dir, 'acc.csv')
    writeFileSync(accuracies, `arch,accuracy\n${archs.map((arch, i) => `${arch},${60 + ((i * 7) % 13)}`).join('\n')}\n`)
  })
  afterAll(() => cleanup())

  test('weights: one row per pair with the paper\'s Table 6 values beside ours; a rerun is served from the cache', () => {
    const db = join(dir, 'weights.db')
    const json = join(dir, 'weights.json')
    const args = ['study', 'weights', '--accuracies', accuracies, '--sample', '10', '--exponents', '-3..0', ...FAST, '--db', db, '--json', json]
    const run = epsinas(args)
    expect(run.stderr).toMatch(/^job j[0-9a-f]{8} \(1 of 1\): batch 4, grey input seed 0, 6 weight pairs, 10 archs/m)
    expect(run.status).toBe(0)
    const lines = run.stdout.split('\n')
    expect(lines[0]).toBe(`study weights: nb201 cifar10, 10 of the 14 nb201 archs with an accuracy (seed 0); accuracies: ${accuracies}`)
    expect(lines[1]).toBe('batch 4, grey input; paper: Table 6 (NAS-Bench-201, CIFAR-10, 5,000 random archs), its values in brackets')
    expect(lines.slice(3, 9).map((line) => line.split(/\s{2,}/)[0])).toEqual(['1e-3, 1e-2', '1e-3, 1e-1', '1e-3, 1e0', '1e-2, 1e-1', '1e-2, 1e0', '1e-1, 1e0'])
    // Table 6, row (0.001, 1): 4802 archs, Spearman 0.31.
    expect(lines[5]).toMatch(/^1e-3, 1e0\s+\d+ \(4802\)\s+\d+\s+-?\d\.\d\d \(0\.31\)/)
    const result = readJson(json)
    expect(result.sample.archs).toHaveLength(10)
    expect(result.rows.map((row) => [row.key, row.paper?.spearman])).toEqual([['-3,-2', 0.25], ['-3,-1', 0.31], ['-3,0', 0.31], ['-2,-1', 0.15], ['-2,0', 0.12], ['-1,0', 0.01]])
    expect(result.rows.every((row) => row.perCell.length === 1)).toBe(true)

    const again = epsinas(args)
    expect(again.status).toBe(0)
    expect(again.stderr).toContain('0 scored now (0 computed, 0 shared with an identical network), 60 from the cache')
    expect(again.stdout).toBe(run.stdout)
  })

  test('a study shares the score cache: archs scored before by epsinas score are not scored again', () => {
    const sample = ['--accuracies', accuracies, '--sample', '10', '--seed', '4', ...FAST]
    // The sample of seed 4, as a first study on another cache reports it.
    const json = join(dir, 'shared.json')
    expect(epsinas(['study', 'weights', '--exponents', '-7..-6', ...sample, '--db', join(dir, 'throwaway.db'), '--json', json]).status).toBe(0)
    const half = join(dir, 'half.txt')
    writeFileSync(half, `${readJson(json).sample.archs.slice(0, 5).join('\n')}\n`)
    const db = join(dir, 'shared.db')
    expect(epsinas(['score', '--archs', half, '--weights', '1e-7,1', ...FAST, '--db', db]).status).toBe(0)
    const run = epsinas(['study', 'inputs', ...sample, '--db', db])
    expect(run.status).toBe(0)
    // The grey cell: the five archs `score` computed come from the cache, the other five are scored.
    expect(run.stderr).toMatch(/\(1 of 4\): batch 4, grey input seed 0, .*\n.*: 10 architectures: 5 scored now .*, 5 from the cache/)
  })

  test('batch: a seeded input gives each size its repeats, summarised by median and quartiles', () => {
    const json = join(dir, 'batch.json')
    const run = epsinas(['study', 'batch', '--accuracies', accuracies, '--sample', '10', '--input', 'normal', '--batches', '4,8', '--repeats', '3', ...FAST_BATCH, '--db', join(dir, 'batch.db'), '--json', json])
    expect(run.status).toBe(0)
    expect(run.stderr.match(/^job j[0-9a-f]{8} \(\d of 6\)/gm)).toHaveLength(6)
    const lines = run.stdout.split('\n')
    expect(lines[1]).toBe('weights (1e-7, 1), normal input seed 0; paper: Figure 4 (a plot, no table: NAS-Bench-201 on its three datasets, real data, batches 8..1024, 10 random batches each; the text: almost no gain over 256), no values to put beside ours')
    expect(lines[3]).toMatch(/^batch 4\s+\d+\s+\d+\s+(-?\d\.\d\d|n\/a) \[-?\d\.\d\d, -?\d\.\d\d\]/)
    const result = readJson(json)
    expect(result.rows.map((row) => [row.key, row.cells, row.perCell.length])).toEqual([['4', 3, 3], ['8', 3, 3]])
    const [q25, q75] = result.rows[1].quartiles?.spearman as [number, number]
    expect(q25).toBeLessThanOrEqual(q75)
  })

  test('inputs: the four synthetic inputs scored, real data listed with why it is missing', () => {
    const json = join(dir, 'inputs.json')
    const home = join(dir, 'empty-home')
    const run = epsinas(['study', 'inputs', '--accuracies', accuracies, '--sample', '6', ...FAST, '--db', join(dir, 'inputs.db'), '--json', json], { EPSINAS_HOME: home })
    expect(run.status).toBe(0)
    const result = readJson(json)
    expect(result.paper?.table).toBe('Table 11')
    expect(result.rows.map((row) => [row.key, row.cells])).toEqual([['real', 0], ['grey', 1], ['normal', 1], ['uniform', 1], ['uniform-pos', 1]])
    expect(result.rows[0].unavailable).toMatch(/^--input real needs the cifar10 training images, which are not installed/)
    expect(run.stdout).toMatch(/\nreal data\s+-\s+-\s+- \(0\.87\)/)
    expect(run.stdout).toContain('\n- real data: --input real needs the cifar10 training images')
  })

  test('batch and inputs run on an imported space with an accuracies file of its arch names', () => {
    const env = { EPSINAS_HOME: join(dir, 'user-home') }
    expect(epsinas(['space', 'import', 'tiny', writeModels(join(dir, 'models'), SMALL_MODELS)], env).status).toBe(0)
    const acc = join(dir, 'tiny-acc.csv')
    writeFileSync(acc, 'arch,accuracy\nnet-a,50\nnet-b,70\nnet-c,60\n')
    const batch = epsinas(['study', 'batch', '--space', 'tiny', '--accuracies', acc, '--batches', '2,4', '--repeats', '1', ...FAST_BATCH, '--db', join(dir, 'tiny.db')], env)
    expect(batch.stderr).not.toContain('internal error')
    expect(batch.status).toBe(0)
    expect(batch.stdout).toMatch(/^study batch: tiny custom, 3 of the 3 tiny archs with an accuracy \(seed 0\)/)
    expect(batch.stdout).toContain('paper: Figure 4')
    const inputs = epsinas(['study', 'inputs', '--space', 'tiny', '--accuracies', acc, ...FAST, '--db', join(dir, 'tiny.db')], env)
    expect(inputs.status).toBe(0)
    expect(inputs.stdout).toContain("note: the paper's synthetic-input table (Table 11) is NB201 CIFAR-10 only: no paper values for tiny custom\n")
    expect(inputs.stdout).toMatch(/\n- real data: .+\n/)
  })

  test('init: the five schemes of Table 9, two random initialisations each, cached per arch and scheme', () => {
    const db = join(dir, 'init.db')
    const json = join(dir, 'init.json')
    const args = ['study', 'init', '--accuracies', accuracies, '--sample', '3', '--input', 'normal', '--backend', 'tfjs-wasm', ...FAST, '--db', db, '--json', json]
    const run = epsinas(args)
    expect(run.stderr).toContain('init: 15 computed, 0 from the cache')
    expect(run.status).toBe(0)
    const result = readJson(json)
    expect(result.paper?.table).toBe('Table 9')
    expect(result.rows.map((row) => [row.key, row.cells, row.paper?.spearman])).toEqual([
      ['uniform', 1, 0.14],
      ['normal', 1, 0.44],
      ['kaiming-uniform', 1, 0.32],
      ['kaiming-normal', 1, 0.49],
      ['orthogonal', 1, 0.41],
    ])
    // Random weights make every output distinct: epsilon is finite for the three archs under every scheme.
    expect(result.rows.map((row) => row.n)).toEqual([3, 3, 3, 3, 3])
    expect(run.stdout).toMatch(/^study init: nb201 cifar10, 3 of the 14 nb201 archs/)
    expect(run.stdout).toContain('two random initialisations per scheme (init seeds 0 and 1) instead of two constant weights, batch 4, normal input seed 0')
    // Stored where the native proxies are, one key per scheme: a rerun computes nothing.
    const cache = new Database(db, { readonly: true })
    const rows = cache.prepare('SELECT proxy, init_seed, batch_size, COUNT(*) AS n FROM native_proxy_scores GROUP BY proxy ORDER BY proxy').all()
    cache.close()
    expect(rows).toEqual(['kaiming-normal', 'kaiming-uniform', 'normal', 'orthogonal', 'uniform'].map((s) => ({ proxy: `epsilon-init:${s}`, init_seed: 0, batch_size: 4, n: 3 })))
    const again = epsinas(args)
    expect(again.stderr).toContain('init: 0 computed, 15 from the cache')
    expect(readJson(json).rows.map((row) => row.stats.spearman)).toEqual(result.rows.map((row) => row.stats.spearman))
    // Stored beside the cache for the Studies page (the folder every study of this file shares), once: the rerun replaced its own document.
    const stored = listStoredStudies(db).filter((s) => s.study === 'init')
    expect(stored.map((s) => [s.study, s.space, s.dataset, s.sample.size, s.paper?.table])).toEqual([['init', 'nb201', 'cifar10', 3, 'Table 9']])
    expect(stored[0].rows.map((row) => [row.key, row.stats.spearman, row.paper?.spearman])).toEqual(result.rows.map((row) => [row.key, row.stats.spearman, row.paper?.spearman]))
    expect(again.stderr).toContain(`study stored for the Studies page: ${join(dir, 'studies', `${stored[0].id}.json`)}`)
  })

  test('embedding: all six of Table 10\'s embeddings scored beside the paper, the default from the plain cache key', () => {
    // Small layers keep the 6 x 3 networks fast; the embedding is the same op at any size.
    const recepies = getSpace('nbnlp').sample(3, 2).map((arch) => getSpace('nbnlp').normalize(JSON.stringify({ ...JSON.parse(arch), emsize: 16, nhid: 16, nlayers: 1 })))
    const acc = join(dir, 'nlp-acc.csv')
    writeFileSync(acc, `arch,accuracy\n${recepies.map((arch, i) => `${csvField(arch)},${5 + i / 10}`).join('\n')}\n`)
    const json = join(dir, 'embedding.json')
    const run = epsinas(['study', 'embedding', '--space', 'nbnlp', '--accuracies', acc, '--batch', '8', '--workers', '2', '--no-progress', '--db', join(dir, 'nlp.db'), '--json', json])
    expect(run.status).toBe(0)
    const result = readJson(json)
    expect(result.paper?.table).toBe('Table 10')
    expect(result.rows.map((row) => [row.key, row.cells, row.paper?.spearman])).toEqual([
      ['uniform-pos-0.1', 1, -0.38],
      ['uniform-pos-1', 1, -0.37],
      ['uniform-centred-0.1', 1, -0.4],
      ['uniform-centred-1', 1, -0.46],
      ['normal-0.1', 1, -0.42],
      ['normal-1', 1, -0.47],
    ])
    expect(result.rows.map((row) => row.n)).toEqual([3, 3, 3, 3, 3, 3])
    expect(run.stdout).not.toContain('not built')
    // The default variant is scored under today's keys: plain `score` on the same archs finds every one in the cache.
    const archsFile = join(dir, 'nlp-archs.txt')
    writeFileSync(archsFile, `${recepies.join('\n')}\n`)
    const plain = epsinas(['score', '--space', 'nbnlp', '--archs', archsFile, '--batch', '8', '--workers', '2', '--no-progress', '--db', join(dir, 'nlp.db')])
    expect(plain.status).toBe(0)
    expect(plain.stderr).toContain('0 scored now (0 computed, 0 shared with an identical network), 3 from the cache')
  })

  test('--input real without the images installed is refused in one line before anything is scored', () => {
    const db = join(dir, 'real.db')
    const run = epsinas(['study', 'batch', '--input', 'real', '--accuracies', accuracies, ...FAST_BATCH, '--db', db], { EPSINAS_HOME: join(dir, 'no-data') })
    expect(run.stderr).toMatch(/^epsinas: --input real needs the cifar10 training images, which are not installed in .+\n$/)
    expect(run.status).toBe(2)
    expect(existsSync(db)).toBe(false)
  })

  test.each([
    [['study', 'nope'], /value 'nope' is invalid for argument 'study'\. Allowed choices are weights, batch, inputs, init, embedding\./],
    [['study', 'batch', '--batches', '8,1'], /--batches takes batch sizes >= 2, comma-separated \(got '8,1'\)/],
    [['study', 'init', '--weights', '1e-7,1'], /^epsinas: --weights is not an option of the init study: it initialises the full-width network twice at random per scheme \(tfjs\)\n$/],
    [['study', 'init', '--backend', 'ts'], /^epsinas: the init study runs on TensorFlow\.js \(per-layer random weights\); --backend ts is the collapsed engine's\n$/],
    [['study', 'embedding'], /^epsinas: the embedding study needs a space whose networks embed their input \(nbnlp\), not nb201\n$/],
    [['study', 'weights', '--exponents', '0..0'], /^epsinas: the exponent grid 0\.\.0 is empty/],
    [['study', 'inputs', '--accuracies', 'missing.csv'], /^epsinas: cannot read accuracies file missing\.csv: no such file\n$/],
    [['study', 'inputs', '--input', 'normal'], /^epsinas: --input is not an option of the inputs study: it scores every input\n$/],
    [['study', 'weights', '--weights', '1e-7,1'], /^epsinas: --weights is not an option of the weights study: it scores every pair of --exponents\n$/],
    [['study', 'batch', '--batch', '64'], /^epsinas: --batch is not an option of the batch study: it scores every size of --batches\n$/],
    [['study', 'batch'], /^epsinas: no installed nb201 accuracies: .*never\.db does not exist \(see epsinas data, or pass --accuracies FILE\)\n$/],
  ])('%j is refused in one line (exit 2) and creates no cache', (args, message) => {
    const db = join(dir, 'never.db')
    const run = epsinas([...args, ...FAST_BATCH, '--db', db])
    expect(run.stderr).toMatch(message)
    expect(run.stderr.trim().split('\n').filter((line) => !line.startsWith('(add --help'))).toHaveLength(1)
    expect(run.status).toBe(2)
    expect(existsSync(db)).toBe(false)
  })
})

/** Without --accuracies a study reads the installed accuracies, as `stats` does. */
describe('epsinas study on an installed Suite-Zero NB201 file', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())

  test('the sample is drawn from the archs with an installed accuracy, named with its source', () => {
    const archs = Array.from({ length: 12 }, (_, i) => nb201ArchAt(i * 1301 + 7))
    const file = join(dir, 'zc_nasbench201.json')
    writeFileSync(file, `{"cifar10": {${archs.map((arch, i) => `${JSON.stringify(arch)}: {"val_accuracy": ${60 + i}}`).join(', ')}}}`)
    const home = join(dir, 'home')
    const db = join(dir, 'cache.db')
    expect(epsinas(['data', 'import', 'zc-nasbench201', file, '--copy'], { EPSINAS_HOME: home }).stderr).toBe('')
    expect(epsinas(['data', 'convert', 'zc-nasbench201', '--db', db, '--no-progress'], { EPSINAS_HOME: home }).status).toBe(0)
    const json = join(dir, 'batch.json')
    const run = epsinas(['study', 'batch', '--sample', '8', '--seed', '2', '--batches', '4', '--repeats', '1', ...FAST_BATCH, '--db', db, '--json', json], { EPSINAS_HOME: home })
    expect(run.status).toBe(0)
    expect(run.stdout.split('\n')[0]).toMatch(/^study batch: nb201 cifar10, 8 of the 12 nb201 archs with an accuracy \(seed 2\); accuracies: item zc-nasbench201 .*validation split/)
    const sample = readJson(json).sample.archs
    expect(sample).toHaveLength(8)
    expect(sample.every((arch) => archs.includes(arch))).toBe(true)
  })
})
