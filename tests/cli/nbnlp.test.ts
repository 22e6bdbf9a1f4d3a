import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openStore } from '../../src/main/store/index.ts'
import { withoutNonFiniteNumbers } from '../../src/main/benchmarks/space-data/nbnlp-archs.ts'
import { installFixture } from '../data/install-fixture.ts'
import { epsinas, tempDir } from './helpers.ts'

// Small batches keep each recepie fast; the sequence is the benchmark's 70 steps at 400/600/3.
const FAST = ['--space', 'nbnlp', '--batch', '8', '--workers', '2', '--no-progress']

const RNN = '{"f": {"op": "linear", "input": ["x", "h_prev_0"]}, "h_new_0": {"op": "activation_tanh", "input": ["f"]}}'
const GRU =
  '{"r": {"op": "linear", "input": ["x", "h_prev_0"]}, "r_act": {"op": "activation_sigm", "input": ["r"]}, "z": {"op": "linear", "input": ["x", "h_prev_0"]}, "z_act": {"op": "activation_sigm", "input": ["z"]}, "rh": {"op": "elementwise_prod", "input": ["r_act", "h_prev_0"]}, "h_tilde": {"op": "linear", "input": ["x", "rh"]}, "h_tilde_act": {"op": "activation_tanh", "input": ["h_tilde"]}, "h_new_0": {"op": "blend", "input": ["z_act", "h_prev_0", "h_tilde_act"]}}'

/** A training log as the benchmark writes it: recepie as JSON text, hyper-parameters, bare NaN in the losses. */
function log(recepie: string, emsize: number, nhid: number): string {
  return `{"data": "data/ptb", "recepie_id": 7, "emsize": ${emsize}, "nhid": ${nhid}, "nlayers": 2, "tied": true, "wdrop": 0.1, "recepie": ${JSON.stringify(recepie)}, "test_losses": [NaN, 5.2], "status": "OK"}`
}

test('training-log NaN / Infinity tokens become null outside strings only', () => {
  const text = '{"a": NaN, "b": [-Infinity, Infinity, 1], "c": "NaN and -Infinity stay", "d": "q\\"NaN"}'
  expect(JSON.parse(withoutNonFiniteNumbers(text))).toEqual({ a: null, b: [null, null, 1], c: 'NaN and -Infinity stay', d: 'q"NaN' })
})

describe('epsinas score --space nbnlp', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())

  test('scores one recepie per line at the NB-NLP default pair on ptb, then serves them from the cache', () => {
    const archs = join(dir, 'recepies.jsonl')
    writeFileSync(archs, `# two cells\n${RNN}\n\n${GRU}\n`)
    const db = join(dir, 'lines.db')
    const out = join(dir, 'lines.csv')
    const first = epsinas(['score', '--archs', archs, ...FAST, '--db', db, '--out', out])
    expect(first.stderr).toContain('2 architectures: 2 scored now')
    expect(first.status).toBe(0)
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[]
    expect(rows).toHaveLength(2)
    for (const row of rows) {
      expect(JSON.parse(row.arch)).toMatchObject({ emsize: 400, nhid: 600, nlayers: 3, tied: true, recepie: expect.any(Object) })
      expect(row).toMatchObject({ space: 'nbnlp', dataset: 'ptb', batch_size: '8', w_low: '0.00001', w_high: '0.001', engine: 'collapsed/ts@1', source: 'computed' })
      expect(Number(row.epsilon)).toBeGreaterThan(0)
    }
    const store = openStore(db)
    try {
      expect(store.listConfigs().map((c) => c.space)).toEqual(['nbnlp'])
    } finally {
      store.close()
    }
    const second = epsinas(['score', '--archs', archs, ...FAST, '--db', db])
    expect(second.status).toBe(0)
    expect(second.stderr).toContain('2 from the cache')
  })

  test('reads a folder of training logs, with their hyper-parameters, NaN losses and all', () => {
    const logs = join(dir, 'logs')
    mkdirSync(logs)
    writeFileSync(join(logs, 'log_stats_model_1.json'), log(RNN, 32, 48))
    writeFileSync(join(logs, 'log_stats_model_2.json'), log(GRU, 16, 24))
    writeFileSync(join(logs, 'notes.txt'), 'not a log')
    const out = join(dir, 'logs.json')
    const run = epsinas(['score', '--archs', logs, ...FAST, '--db', join(dir, 'logs.db'), '--out', out])
    expect(run.stderr).toContain('2 architectures: 2 scored now')
    expect(run.status).toBe(0)
    const json = JSON.parse(readFileSync(out, 'utf8')) as { scores: Array<{ arch: string }> }
    const archs = json.scores.map((s) => JSON.parse(s.arch) as { emsize: number; nhid: number; nlayers: number })
    expect(archs.map((a) => [a.emsize, a.nhid, a.nlayers]).sort()).toEqual([
      [16, 24, 2],
      [32, 48, 2],
    ])
  })

  test('reads a JSON array of recepies, as NB-NLP ships data/recepies_example.json (one line, no newline)', () => {
    // fmsnew/nas-bench-nlp-release data/recepies_example.json is `[{...}, {...}, ...]` on one line.
    const archs = join(dir, 'recepies_example.json')
    writeFileSync(archs, `[${RNN}, ${GRU}]`)
    const run = epsinas(['score', '--archs', archs, ...FAST, '--db', join(dir, 'array.db')])
    expect(run.stderr).toContain('2 architectures: 2 scored now')
    expect(run.status).toBe(0)
    // Pretty-printed over several lines, it is the same two recepies, served from the cache.
    const pretty = join(dir, 'recepies_pretty.json')
    writeFileSync(pretty, `${JSON.stringify([JSON.parse(RNN), JSON.parse(GRU)], null, 2)}\n`)
    const again = epsinas(['score', '--archs', pretty, ...FAST, '--db', join(dir, 'array.db')])
    expect(again.stderr).toContain('2 from the cache')
  })

  test('a bad entry of a JSON array exits 2 naming the entry, and nothing is cached', () => {
    const archs = join(dir, 'recepies_bad.json')
    writeFileSync(archs, `[${RNN}, {"h_new_0": {"op": "conv", "input": ["x"]}}]`)
    const db = join(dir, 'array-bad.db')
    const run = epsinas(['score', '--archs', archs, ...FAST, '--db', db])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/recepies_bad\.json entry 2 of 2: recepie: node 'h_new_0' has unknown op "conv"/)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(existsSync(db)).toBe(false)
  })

  test('scores seeded random recepies with --limit N --seed S', () => {
    const run = epsinas(['score', '--limit', '3', '--seed', '4', ...FAST, '--db', join(dir, 'sample.db')])
    expect(run.stderr).toContain('3 architectures: 3 scored now')
    expect(run.status).toBe(0)
  })

  test.each([
    ['a cycle', '{"a": {"op": "linear", "input": ["x", "b"]}, "b": {"op": "activation_tanh", "input": ["a"]}, "h_new_0": {"op": "activation_sigm", "input": ["b"]}}', /recepies\.bad line 3: recepie: cycle among nodes (a -> b -> a|b -> a -> b)/],
    ['an unknown op', '{"h_new_0": {"op": "activation_relu", "input": ["x"]}}', /line 3: recepie: node 'h_new_0' has unknown op "activation_relu"/],
    ['a missing input', '{"f": {"op": "linear", "input": ["x", "c_prev_0"]}, "h_new_0": {"op": "activation_tanh", "input": ["f"]}}', /line 3: recepie: node 'f' reads 'c_prev_0'/],
    ['wrong arity', '{"h_new_0": {"op": "blend", "input": ["x", "h_prev_0"]}}', /line 3: recepie: node 'h_new_0' \(blend\) takes exactly 3/],
    ['no output', '{"f": {"op": "linear", "input": ["x"]}}', /line 3: recepie: no output node h_new_0/],
    ['broken JSON', '{"h_new_0": {"op": "linear"', /line 3: not valid JSON/],
  ])('a recepie file with %s exits 2 naming the line, and nothing is cached', (_, line, message) => {
    const archs = join(dir, 'recepies.bad')
    writeFileSync(archs, `${RNN}\n\n${line}\n`)
    const db = join(dir, 'bad.db')
    const run = epsinas(['score', '--archs', archs, ...FAST, '--db', db])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(existsSync(db)).toBe(false)
  })

  test('a bad training log in a folder exits 2 naming the file, and nothing is cached', () => {
    const logs = join(dir, 'badlogs')
    mkdirSync(logs)
    writeFileSync(join(logs, 'a.json'), log(RNN, 32, 48))
    writeFileSync(join(logs, 'b.json'), log('{"h_new_0": {"op": "conv", "input": ["x"]}}', 32, 48))
    const db = join(dir, 'badlogs.db')
    const run = epsinas(['score', '--archs', logs, ...FAST, '--db', db])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/badlogs\/b\.json: recepie: node 'h_new_0' has unknown op "conv"/)
    expect(existsSync(db)).toBe(false)
  })

  test('--input real reads the installed PTB text, and says how to install it when it is missing', async () => {
    const home = join(dir, 'home')
    const missing = epsinas(['score', '--limit', '1', '--input', 'real', ...FAST, '--db', join(dir, 'real-missing.db')], { EPSINAS_HOME: home })
    expect(missing.status).toBe(2)
    expect(missing.stderr).toMatch(/needs the PTB text, which is not installed in .*ptb-text: run epsinas data download ptb-text/)
    // Checked before the cache is opened: no database file, no job left behind.
    expect(existsSync(join(dir, 'real-missing.db'))).toBe(false)
    // A tiny corpus installed as `epsinas data import ptb-text FOLDER` does (the three files and the manifest).
    const corpus = join(dir, 'ptb-source')
    mkdirSync(corpus, { recursive: true })
    const line = (k: number): string => Array.from({ length: 12 }, (_, i) => `w${(k * 7 + i * 13) % 300}`).join(' ')
    for (const split of ['train', 'valid', 'test']) writeFileSync(join(corpus, `ptb.${split}.txt`), `${Array.from({ length: split === 'train' ? 100 : 5 }, (_, k) => line(k)).join('\n')}\n`)
    await installFixture(home, 'ptb-text', corpus)
    const out = join(dir, 'real.csv')
    const run = epsinas(['score', '--archs', join(dir, 'recepies.jsonl'), '--input', 'real', ...FAST, '--db', join(dir, 'real.db'), '--out', out], { EPSINAS_HOME: home })
    expect(run.stderr).toContain('2 architectures: 2 scored now')
    expect(run.status).toBe(0)
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[]
    // The input as the cache key stores it: `real:` and the installed text's identity.
    const input = expect.stringMatching(/^real:[0-9a-f]{16}$/)
    expect(rows.map((r) => r.input)).toEqual([input, input])
    // Different tokens than the synthetic batch of the first test, so different scores.
    const synthetic = parse(readFileSync(join(dir, 'lines.csv'), 'utf8'), { columns: true }) as Record<string, string>[]
    expect(rows[0].epsilon).not.toBe(synthetic[0].epsilon)
  })

  test.each([
    [['--all'], /NAS-Bench-NLP has no enumerable space: use --archs PATH/],
    [['--limit', '2', '--dataset', 'cifar10'], /search space nbnlp is defined on ptb only \(got --dataset cifar10\)/],
  ])('bad arguments %j exit 2 with a clear message and no database', (args, message) => {
    const db = join(dir, 'never.db')
    const run = epsinas(['score', ...FAST, ...args, '--db', db])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(existsSync(db)).toBe(false)
  })
})
