import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { importNbNlpLogs } from '../../src/main/benchmarks/parsers/nbnlp.ts'
import { openBenchmarkStore } from '../../src/main/store/benchmarks.ts'
import { epsinas, tempDir } from './helpers.ts'

/** A one-node-plus-output cell whose activation and operand order make four distinct recepies. */
function cell(activation: string, inputs: [string, string]): string {
  return JSON.stringify({ f: { op: 'linear', input: inputs }, h_new_0: { op: activation, input: ['f'] } })
}
const A = cell('activation_tanh', ['x', 'h_prev_0'])
const B = cell('activation_sigm', ['x', 'h_prev_0'])
const C = cell('activation_tanh', ['h_prev_0', 'x'])
const D = cell('activation_sigm', ['h_prev_0', 'x'])
const UNLOGGED = cell('activation_leaky_relu', ['x', 'h_prev_0'])

/** A training log as the benchmark writes it: recepie as JSON text, bare NaN allowed in the losses. */
function log(recepie: string, emsize: number, finalTestLoss: string): string {
  return `{"data": "data/ptb", "recepie_id": 1, "emsize": ${emsize}, "nhid": 400, "nlayers": 3, "recepie": ${JSON.stringify(recepie)}, "test_losses": [7.0, ${finalTestLoss}], "val_losses": [7.1, ${finalTestLoss}], "status": "OK"}`
}

/** One CSV field, quoted as RFC 4180 wants for JSON text. */
const quoted = (text: string): string => `"${text.replace(/"/g, '""')}"`

describe('epsinas stats --space nbnlp', () => {
  let dir: string
  let cleanup: () => void
  let db: string
  beforeAll(async () => {
    ;({ dir, cleanup } = tempDir())
    // Installed as `epsinas data convert nbnlp-logs-single` does it: the real importer into a real cache file.
    const logs = join(dir, 'logs')
    mkdirSync(logs)
    // A has two runs (mean 5.5) with different hyper-parameters; D's only run diverged (NaN).
    const files: Array<[string, string]> = [
      ['a1.json', log(A, 400, '5.0')],
      ['a2.json', log(A, 200, '6.0')],
      ['b.json', log(B, 400, '4.0')],
      ['c.json', log(C, 400, '3.0')],
      ['d.json', log(D, 400, 'NaN')],
    ]
    for (const [name, text] of files) writeFileSync(join(logs, name), text)
    db = join(dir, 'cache.db')
    const store = openBenchmarkStore(db)
    try {
      await importNbNlpLogs(store, logs, undefined, { collection: 'single' })
    } finally {
      store.close()
    }
  })
  afterAll(() => cleanup())

  test('joins scores to the installed logs by recepie and correlates with the negated final test loss', () => {
    // Epsilon rises as the loss falls, so against the negated loss the ranking is perfect.
    // A is scored with other hyper-parameters than either of its logs: the join is by recepie.
    const withHyper = JSON.stringify({ emsize: 600, nhid: 600, nlayers: 2, recepie: JSON.parse(A) as unknown })
    const rows = [
      [withHyper, '1'],
      [B, '2'],
      [C, '3'],
      [D, '4'],
      [UNLOGGED, '5'],
    ]
    writeFileSync(join(dir, 'scores.csv'), `arch,epsilon\n${rows.map(([arch, eps]) => `${quoted(arch)},${eps}`).join('\n')}\n`)
    const json = join(dir, 'stats.json')
    const run = epsinas(['stats', '--space', 'nbnlp', '--scores', join(dir, 'scores.csv'), '--db', db, '--json', json])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/target: NAS-Bench-NLP mean final test loss \(cross-entropy; lower is better, negated for the statistics\), final epoch of each run, from nbnlp:single/)
    expect(run.stdout).toMatch(/1 scored architectures have no accuracy/)
    const stats = JSON.parse(readFileSync(json, 'utf8')) as Record<string, number | null>
    // D's NaN loss is dropped like a NaN score; A, B, C rank perfectly against -loss (5.5, 4, 3).
    expect(stats.n).toBe(3)
    expect(stats.nan).toBe(1)
    expect(stats.spearman).toBeCloseTo(1, 12)
    expect(stats.kendall).toBeCloseTo(1, 12)
  })

  test('without installed NB-NLP logs the error says what to install', () => {
    writeFileSync(join(dir, 'one.csv'), `arch,epsilon\n${quoted(A)},1\n`)
    const run = epsinas(['stats', '--space', 'nbnlp', '--scores', join(dir, 'one.csv'), '--db', join(dir, 'empty.db')])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/no NAS-Bench-NLP ptb logs are installed in .*empty\.db: run epsinas data download nbnlp-logs-single/)
  })
})
