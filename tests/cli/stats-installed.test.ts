import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nb201ArchFromNaslib } from '../../src/main/benchmarks/parsers/suite-zero-keys.ts'
import { importNbNlpLogs } from '../../src/main/benchmarks/parsers/nbnlp.ts'
import { openBenchmarkStore } from '../../src/main/store/benchmarks.ts'
import { epsinas, tempDir } from './helpers.ts'

/** Twenty NASLib NB201 keys: ops (i mod 5) on the first edge, (i div 5) on the second, the rest skip. */
const KEYS = Array.from({ length: 20 }, (_, i) => [i % 5, Math.floor(i / 5), 0, 0, 0, 0])

/**
 * `stats` against installed accuracies when only NAS-Bench-Suite-Zero is installed (as the
 * Compare page already uses them), and against the NB-NLP WikiText-2 logs.
 */
describe('epsinas stats with installed Suite-Zero accuracies', () => {
  let dir: string
  let cleanup: () => void
  let db: string
  let home: string
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir())
    home = join(dir, 'home')
    db = join(dir, 'cache.db')
    // val_accuracy = 50 + i, so epsilon = i ranks perfectly.
    const cells = Object.fromEntries(KEYS.map((k, i) => [`(${k.join(', ')})`, { synflow: { score: i, time: 0.1 }, val_accuracy: 50 + i }]))
    const file = join(dir, 'zc_nasbench201.json')
    writeFileSync(file, JSON.stringify({ cifar10: cells }))
    const imported = epsinas(['data', 'import', 'zc-nasbench201', file, '--copy'], { EPSINAS_HOME: home })
    expect(imported.stderr).toBe('')
    const converted = epsinas(['data', 'convert', 'zc-nasbench201', '--db', db, '--no-progress'], { EPSINAS_HOME: home })
    expect(converted.stderr).toBe('')
    expect(converted.status).toBe(0)
    const scores = KEYS.map((k, i) => `${nb201ArchFromNaslib(k)},${i}`)
    writeFileSync(join(dir, 'scores.csv'), `arch,epsilon\n${scores.join('\n')}\n`)
  })
  afterAll(() => cleanup())

  test('uses the installed Suite-Zero val_accuracy and names the item, split and epoch budget it joined', () => {
    const run = epsinas(['stats', '--scores', join(dir, 'scores.csv'), '--db', db])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/architectures used \(n\)\s+20/)
    expect(run.stdout).toMatch(/Spearman rho\s+1\.000/)
    expect(run.stdout).toMatch(/note: accuracies: .*zc-nasbench201.*val_accuracy.*validation.*200 epochs/)
  })

  test('an explicit --split test refuses Suite-Zero validation accuracies, saying which split is installed', () => {
    const run = epsinas(['stats', '--scores', join(dir, 'scores.csv'), '--db', db, '--split', 'test'])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/no nb201 cifar10 test accuracies are installed/)
    expect(run.stderr).toMatch(/--split valid/)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe('epsinas stats --space nbnlp --dataset wikitext-2', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())

  test('joins scores with the installed WikiText-2 logs', async () => {
    const cell = (activation: string): string => JSON.stringify({ f: { op: 'linear', input: ['x', 'h_prev_0'] }, h_new_0: { op: activation, input: ['f'] } })
    const recepies = [cell('activation_tanh'), cell('activation_sigm'), cell('activation_leaky_relu')]
    const logs = join(dir, 'logs')
    mkdirSync(logs)
    recepies.forEach((recepie, i) => {
      const loss = 6 - i
      writeFileSync(
        join(logs, `${i}.json`),
        `{"data": "data/wikitext-2", "recepie_id": ${i}, "emsize": 400, "nhid": 400, "nlayers": 3, "recepie": ${JSON.stringify(recepie)}, "test_losses": [7.0, ${loss}], "val_losses": [7.1, ${loss}], "status": "OK"}`,
      )
    })
    const db = join(dir, 'cache.db')
    const store = openBenchmarkStore(db)
    try {
      await importNbNlpLogs(store, logs, undefined, { collection: 'nbnlp-logs-wikitext2' })
    } finally {
      store.close()
    }
    const quoted = (text: string): string => `"${text.replace(/"/g, '""')}"`
    writeFileSync(join(dir, 'scores.csv'), `arch,epsilon\n${recepies.map((r, i) => `${quoted(r)},${i}`).join('\n')}\n`)
    const run = epsinas(['stats', '--space', 'nbnlp', '--dataset', 'wikitext-2', '--scores', join(dir, 'scores.csv'), '--db', db])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/architectures used \(n\)\s+3/)
    expect(run.stdout).toMatch(/Spearman rho\s+1\.000/)
    expect(run.stdout).toMatch(/from nbnlp:nbnlp-logs-wikitext2/)
  })
})
