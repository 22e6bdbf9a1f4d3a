import { join } from 'node:path'
import { writeFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { describe, expect, test } from 'vitest'
import { importNb101FromNni, importNb201FromNni } from '../../../src/main/benchmarks/parsers/nni.ts'
import { nb101Model, spaceAccuracies, spaceCosts, listBenchmarkImports } from '../../../src/main/store/benchmarks.ts'
import { countRows, expectRejects, freshStore, useTempDir } from './helpers.ts'

const tmp = useTempDir('nni')

// The DDL peewee emits for nni/nas/benchmark/nasbench201/schema.py and nasbench101/schema.py.
const NB201_DDL = `
  CREATE TABLE "nb201trialconfig" ("id" INTEGER NOT NULL PRIMARY KEY, "arch" JSON NOT NULL, "num_epochs" INTEGER NOT NULL,
    "num_channels" INTEGER NOT NULL, "num_cells" INTEGER NOT NULL, "dataset" VARCHAR(20) NOT NULL);
  CREATE TABLE "nb201trialstats" ("id" INTEGER NOT NULL PRIMARY KEY, "config_id" INTEGER NOT NULL, "seed" INTEGER NOT NULL,
    "train_acc" REAL NOT NULL, "valid_acc" REAL NOT NULL, "test_acc" REAL NOT NULL, "ori_test_acc" REAL NOT NULL,
    "train_loss" REAL, "valid_loss" REAL, "test_loss" REAL, "ori_test_loss" REAL, "parameters" REAL NOT NULL,
    "latency" REAL NOT NULL, "flops" REAL NOT NULL, "training_time" REAL NOT NULL, "valid_evaluation_time" REAL NOT NULL,
    "test_evaluation_time" REAL NOT NULL, "ori_test_evaluation_time" REAL NOT NULL,
    FOREIGN KEY ("config_id") REFERENCES "nb201trialconfig" ("id"));
`
const NB101_DDL = `
  CREATE TABLE "nb101trialconfig" ("id" INTEGER NOT NULL PRIMARY KEY, "arch" JSON NOT NULL, "num_vertices" INTEGER NOT NULL,
    "hash" VARCHAR(64) NOT NULL, "num_epochs" INTEGER NOT NULL);
  CREATE TABLE "nb101trialstats" ("id" INTEGER NOT NULL PRIMARY KEY, "config_id" INTEGER NOT NULL, "train_acc" REAL NOT NULL,
    "valid_acc" REAL NOT NULL, "test_acc" REAL NOT NULL, "parameters" REAL NOT NULL, "training_time" REAL NOT NULL,
    FOREIGN KEY ("config_id") REFERENCES "nb101trialconfig" ("id"));
`

/** NNI's arch JSON for arch 0 of NB201 (json.dumps with sort_keys, NNI op names). */
const ARCH0_JSON = JSON.stringify({ '0_1': 'avg_pool_3x3', '0_2': 'conv_1x1', '0_3': 'conv_1x1', '1_2': 'skip_connect', '1_3': 'skip_connect', '2_3': 'skip_connect' })
const ARCH0 = '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|'

function nb201Db(name: string, mutate?: (db: Database.Database) => void): string {
  const path = join(tmp(), name)
  const db = new Database(path)
  db.exec(NB201_DDL)
  const config = db.prepare('INSERT INTO nb201trialconfig (arch, num_epochs, num_channels, num_cells, dataset) VALUES (?, ?, 16, 5, ?)')
  const stats = db.prepare(
    `INSERT INTO nb201trialstats (config_id, seed, train_acc, valid_acc, test_acc, ori_test_acc, parameters, latency, flops, training_time,
       valid_evaluation_time, test_evaluation_time, ori_test_evaluation_time) VALUES (?, ?, 99, ?, ?, ?, ?, ?, ?, 1, 1, 1, 1)`,
  )
  const c10 = Number(config.run(ARCH0_JSON, 200, 'cifar10').lastInsertRowid)
  stats.run(c10, 777, 86.18, 86.18, 86.18, 0.129306, 0.01, 15.64737)
  stats.run(c10, 888, 85.79, 85.79, 85.79, 0.129306, 0.03, 15.64737)
  const c10v = Number(config.run(ARCH0_JSON, 200, 'cifar10-valid').lastInsertRowid)
  stats.run(c10v, 777, 81.6, 81.9, 81.9, 0.129306, 0.02, 15.64737)
  const c100 = Number(config.run(ARCH0_JSON, 200, 'cifar100').lastInsertRowid)
  stats.run(c100, 777, 52.7, 53.0, 52.8, 0.135156, 0.02, 15.65322)
  const in16 = Number(config.run(ARCH0_JSON, 12, 'imagenet16-120').lastInsertRowid)
  stats.run(in16, 111, 18.5, 17.0, 17.7, 0.136456, 0.02, 3.91948)
  mutate?.(db)
  db.close()
  return path
}

const INCEPTION_ARCH = { op1: 'conv1x1-bn-relu', op2: 'conv3x3-bn-relu', op3: 'conv3x3-bn-relu', op4: 'conv3x3-bn-relu', op5: 'maxpool3x3', input1: [0], input2: [0], input3: [0], input4: [3], input5: [0], input6: [1, 2, 4, 5] }
/** The Inception-like cell of the NB101 README, row-major. */
const INCEPTION_MATRIX = '0111010000000100000010000100000000100000010000000'

function nb101Db(name: string, mutate?: (db: Database.Database) => void): string {
  const path = join(tmp(), name)
  const db = new Database(path)
  db.exec(NB101_DDL)
  const config = db.prepare('INSERT INTO nb101trialconfig (arch, num_vertices, hash, num_epochs) VALUES (?, ?, ?, ?)')
  const stats = db.prepare('INSERT INTO nb101trialstats (config_id, train_acc, valid_acc, test_acc, parameters, training_time) VALUES (?, 100, ?, ?, ?, 1)')
  const small = JSON.stringify({ op1: 'maxpool3x3', input1: [0], input2: [0, 1] })
  for (const epochs of [4, 108]) {
    const a = Number(config.run(JSON.stringify(INCEPTION_ARCH), 7, 'c'.repeat(32), epochs).lastInsertRowid)
    const b = Number(config.run(small, 3, 'd'.repeat(32), epochs).lastInsertRowid)
    for (const [test, valid] of [[90, 91], [93, 92], [87, 93]]) stats.run(a, epochs === 108 ? valid : 10, epochs === 108 ? test : 10, 2.694282)
    stats.run(b, epochs === 108 ? 50 : 1, epochs === 108 ? 60 : 1, 0.001)
  }
  mutate?.(db)
  db.close()
  return path
}

describe('importNb201FromNni', () => {
  test('maps NNI columns back to NATS evaluation sets and averages the seeds', async () => {
    const store = freshStore(tmp())
    try {
      const result = await importNb201FromNni(store, nb201Db('nb201.db'))
      expect(result).toEqual({ benchmark: 'nb201', items: 1, records: 5 })
      expect(spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200 }).get(ARCH0)).toBe((86.18 + 85.79) / 2)
      expect(spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200, stat: 'max' }).get(ARCH0)).toBe(86.18)
      expect(spaceAccuracies(store, 'nb201', 'cifar10', 'valid', { epochs: 200 }).get(ARCH0)).toBe(81.6)
      expect(spaceAccuracies(store, 'nb201', 'cifar10-valid', 'ori-test', { epochs: 200 }).get(ARCH0)).toBe(81.9)
      expect(spaceAccuracies(store, 'nb201', 'cifar100', 'test', { epochs: 200 }).get(ARCH0)).toBe(53.0)
      expect(spaceAccuracies(store, 'nb201', 'cifar100', 'valid', { epochs: 200 }).get(ARCH0)).toBe(52.7)
      expect(spaceAccuracies(store, 'nb201', 'cifar100', 'ori-test', { epochs: 200 }).get(ARCH0)).toBe(52.8)
      expect(spaceAccuracies(store, 'nb201', 'ImageNet16-120', 'test', { epochs: 12 }).get(ARCH0)).toBe(17.0)
      expect(countRows(store, 'space_accuracies')).toBe(1 + 2 + 3 + 3)
      expect(spaceCosts(store, 'nb201', 'cifar10').get(ARCH0)).toEqual({ params: 0.129306, flops: 15.64737, latency: 0.02 })
      expect(listBenchmarkImports(store)[0].format).toBe('nni-nb201-sqlite')
    } finally {
      store.close()
    }
  })

  test.each<[string, (db: Database.Database) => void, RegExp]>([
    ['an unknown op', (db) => db.exec(`UPDATE nb201trialconfig SET arch = replace(arch, 'conv_1x1', 'conv_5x5') WHERE id = 2`), /table nb201trialconfig, row id 2: edge 0_2 has op "conv_5x5"/],
    ['arch text that is not JSON', (db) => db.exec(`UPDATE nb201trialconfig SET arch = '{oops' WHERE id = 3`), /arch is not valid JSON/],
    ['an unknown dataset', (db) => db.exec(`UPDATE nb201trialconfig SET dataset = 'mnist' WHERE id = 4`), /row id 4: unknown dataset "mnist"/],
    ['a missing column', (db) => db.exec('ALTER TABLE nb201trialstats DROP COLUMN ori_test_acc'), /table nb201trialstats: missing column\(s\) ori_test_acc/],
    ['a missing table', (db) => db.exec('DROP TABLE nb201trialstats'), /table nb201trialstats is missing/],
  ])('refuses %s and writes nothing', async (_name, mutate, pattern) => {
    const store = freshStore(tmp())
    try {
      const path = nb201Db(`bad-${Math.random()}.db`, mutate)
      const message = await expectRejects(importNb201FromNni(store, path), 'BAD_FILE', pattern)
      expect(message).toContain(path)
      expect(countRows(store, 'space_accuracies')).toBe(0)
      expect(listBenchmarkImports(store)).toEqual([])
    } finally {
      store.close()
    }
  })

  test('refuses a file that is not SQLite', async () => {
    const store = freshStore(tmp())
    try {
      const path = join(tmp(), 'html.db')
      writeFileSync(path, '<html>'.repeat(1000))
      await expectRejects(importNb201FromNni(store, path), 'BAD_FILE', /not a SQLite database/)
    } finally {
      store.close()
    }
  })
})

describe('importNb101FromNni', () => {
  test('rebuilds spec, parameter count and 108-epoch accuracies per hash', async () => {
    const store = freshStore(tmp())
    try {
      const result = await importNb101FromNni(store, nb101Db('nb101.db'))
      expect(result).toEqual({ benchmark: 'nb101', items: 2, records: 4 })
      const a = nb101Model(store, 'c'.repeat(32))
      expect(a).toEqual({
        hash: 'c'.repeat(32),
        position: 0,
        matrix: INCEPTION_MATRIX,
        ops: ['input', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
        params: 2694282,
        runs: 3,
        test: { mean: 90, min: 87, max: 93 },
        valid: { mean: 92, min: 91, max: 93 },
      })
      expect(nb101Model(store, 'd'.repeat(32))).toMatchObject({ position: 1, matrix: '011001000', ops: ['input', 'maxpool3x3', 'output'], params: 1000 })
    } finally {
      store.close()
    }
  })

  test('refuses an input list that points forward', async () => {
    const store = freshStore(tmp())
    try {
      const path = nb101Db('forward.db', (db) => db.exec(`UPDATE nb101trialconfig SET arch = '{"op1": "maxpool3x3", "input1": [2], "input2": [1]}' WHERE id = 4`))
      await expectRejects(importNb101FromNni(store, path), 'BAD_FILE', /nb101trialconfig, row id 4: input1 is not a list of earlier vertices/)
      expect(countRows(store, 'nb101_models')).toBe(0)
    } finally {
      store.close()
    }
  })
})
