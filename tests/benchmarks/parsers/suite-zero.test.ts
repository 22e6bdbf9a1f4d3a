import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { importNb101FromTfRecord } from '../../../src/main/benchmarks/parsers/nb101-tfrecord.ts'
import { importSuiteZero } from '../../../src/main/benchmarks/parsers/suite-zero.ts'
import { nb101SpecFromSuiteZeroKey, nb201ArchFromNaslib, nb201ArchFromSuiteZeroKey } from '../../../src/main/benchmarks/parsers/suite-zero-keys.ts'
import { listProxies, proxyScores, type BenchmarkStore } from '../../../src/main/store/benchmarks.ts'
import { countRows, expectRejects, useTempDir, withFreshStore, writeTempFile } from './helpers.ts'
import { NB101_RUNS, writeNb101TfRecord } from './nb101-fixture.ts'

const tmp = useTempDir('suite-zero')
const ARCH0 = '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|'

const file = (name: string, text: string): string => writeTempFile(tmp(), name, text)

const withStore = (fn: (store: BenchmarkStore) => Promise<void>): Promise<void> => withFreshStore(tmp(), fn)

describe('NASLib NB201 op indices -> our arch strings', () => {
  test('arch 0 of NB201 is (4, 3, 3, 0, 0, 0) (benchmark-data.md)', () => {
    expect(nb201ArchFromSuiteZeroKey('(4, 3, 3, 0, 0, 0)')).toBe(ARCH0)
  })
  test('edges are reordered from (0->1, 0->2, 0->3, 1->2, 1->3, 2->3) to ours, ops remapped', () => {
    // NASLib ops: 0 skip, 1 none, 2 conv3x3, 3 conv1x1, 4 avg pool.
    expect(nb201ArchFromNaslib([2, 3, 1, 4, 0, 2])).toBe('|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|none~0|skip_connect~1|nor_conv_3x3~2|')
    expect(nb201ArchFromNaslib([1, 1, 1, 1, 1, 1])).toBe('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|')
  })
  test('arch strings pass through normalised; other keys are refused', () => {
    expect(nb201ArchFromSuiteZeroKey(` ${ARCH0}`)).toBe(ARCH0)
    expect(() => nb201ArchFromSuiteZeroKey('(4, 3, 3, 0, 0)')).toThrow(/expected 6 NASLib op indices/)
    expect(() => nb201ArchFromSuiteZeroKey('(4, 3, 3, 0, 0, 5)')).toThrow(/0\.\.4/)
    expect(() => nb201ArchFromSuiteZeroKey('[4, 3]')).toThrow(/not a tuple/)
  })
  test('NB101 keys give the matrix and ops in NASLib op order (input, output, maxpool, conv1x1, conv3x3)', () => {
    expect(nb101SpecFromSuiteZeroKey('(0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 2, 1)')).toEqual({ matrix: '011001000', ops: ['input', 'maxpool3x3', 'output'] })
    expect(() => nb101SpecFromSuiteZeroKey('(0, 1, 1, 0, 0)')).toThrow(/n\*n \+ n/)
  })
})

const NEW_LAYOUT = `{"cifar10": {
  "(4, 3, 3, 0, 0, 0)": {"epe_nas": {"score": 1.5, "time": 0.1}, "nwot": {"score": -Infinity, "time": 0.2},
                         "synflow": {"score": NaN, "time": 0.3}, "val_accuracy": 85.5, "idx": 3, "arch": "(4, 3, 3, 0, 0, 0)"},
  "(2, 3, 1, 4, 0, 2)": {"epe_nas": {"score": 2.5, "time": 0.1}, "val_accuracy": 71.25}},
 "cifar100": {"(4, 3, 3, 0, 0, 0)": {"epe_nas": {"score": 7, "time": 1e-3}, "val_accuracy": 52.5}}}`

describe('importSuiteZero', () => {
  test('reads the {score, time} layout: scores, times, NaN as null, -Infinity kept, val_accuracy as a proxy', async () => {
    await withStore(async (store) => {
      const result = await importSuiteZero(store, file('zc_nasbench201.json', NEW_LAYOUT))
      expect(result).toEqual({ benchmark: 'suite-zero:nb201', items: 8, records: 3, unresolved: 0 })
      const epe = proxyScores(store, 'nb201', 'cifar10', 'epe_nas')
      expect(epe.get(ARCH0)).toBe(1.5)
      expect(epe.get('|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|none~0|skip_connect~1|nor_conv_3x3~2|')).toBe(2.5)
      expect(proxyScores(store, 'nb201', 'cifar10', 'nwot').get(ARCH0)).toBe(-Infinity)
      expect(proxyScores(store, 'nb201', 'cifar10', 'synflow').get(ARCH0)).toBeNull()
      expect(proxyScores(store, 'nb201', 'cifar100', 'val_accuracy').get(ARCH0)).toBe(52.5)
      expect(listProxies(store, 'nb201', 'cifar10')).toEqual(['epe_nas', 'nwot', 'synflow', 'val_accuracy'])
      const time = store.db.prepare<[], number>(`SELECT time FROM proxy_scores WHERE dataset = 'cifar100' AND proxy = 'epe_nas'`).pluck().get()
      expect(time).toBe(1e-3)
    })
  })

  test('reads the early flat layout wrapped in "nasbench201"', async () => {
    await withStore(async (store) => {
      const text = '{"nasbench201": {"cifar10": {"(4, 3, 3, 0, 0, 0)": {"grad_norm": 1.25, "val_accuracy": 80.0}}}}'
      const result = await importSuiteZero(store, file('early.json', text))
      expect(result.records).toBe(1)
      expect(proxyScores(store, 'nb201', 'cifar10', 'grad_norm').get(ARCH0)).toBe(1.25)
      expect(store.db.prepare<[], number | null>(`SELECT time FROM proxy_scores WHERE proxy = 'grad_norm'`).pluck().get()).toBeNull()
    })
  })

  test('NB101 keys are matched to imported module hashes; unknown specs are counted, not stored', async () => {
    await withStore(async (store) => {
      const tfrecord = join(tmp(), 'nb101.tfrecord')
      writeNb101TfRecord(tfrecord, NB101_RUNS)
      await importNb101FromTfRecord(store, tfrecord)
      // The fixture's Inception cell: NASLib ops input 0, conv1x1 3, conv3x3 4, maxpool 2, output 1.
      const inception = `(${[...'0111010000000100000010000100000000100000010000000'].join(', ')}, 0, 3, 4, 4, 4, 2, 1)`
      const text = JSON.stringify({ cifar10: { [inception]: { snip: { score: 3, time: 1 } }, '(0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 2, 1)': { snip: { score: 4, time: 1 } } } })
      const result = await importSuiteZero(store, file('zc_nasbench101.json', text))
      expect(result).toMatchObject({ benchmark: 'suite-zero:nb101', records: 1, unresolved: 1 })
      expect(proxyScores(store, 'nb101', 'cifar10', 'snip')).toEqual(new Map([['a'.repeat(32), 3]]))
    })
  })

  test('NB101 keys without NB101 imported (and no hash function) are a BAD_ARGUMENT', async () => {
    await withStore(async (store) => {
      const text = JSON.stringify({ cifar10: { '(0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 2, 1)': { snip: 1 } } })
      await expectRejects(importSuiteZero(store, file('nb101-alone.json', text)), 'BAD_ARGUMENT', /import NAS-Bench-101 first/)
      const viaFunction = await importSuiteZero(store, file('nb101-hash.json', text), undefined, { nb101Hash: () => 'e'.repeat(32) })
      expect(viaFunction.items).toBe(1)
    })
  })

  test.each<[string, string, RegExp]>([
    ['a truncated file', NEW_LAYOUT.slice(0, 200), /truncated/],
    ['a key that is not an op tuple', '{"cifar10": {"(4, 3, 3, 0, 0, 9)": {"snip": 1}}}', /dataset "cifar10", key "\(4, 3, 3, 0, 0, 9\)" \(character \d+\): .*0\.\.4/],
    ['one arch under two spellings', `{"cifar10": {"(4, 3, 3, 0, 0, 0)": {"snip": 1}, "${ARCH0}": {"snip": 2}}}`, /the same spec as key "\(4, 3, 3, 0, 0, 0\)"/],
    ['a proxy that is text', '{"cifar10": {"(4, 3, 3, 0, 0, 0)": {"snip": "high"}}}', /snip is neither a number nor \{score, time\}/],
    ['broken syntax', '{"cifar10": {"(4, 3, 3, 0, 0, 0)": {"snip": 1,}}}', /malformed value/],
  ])('refuses %s, naming the position, and writes nothing', async (_name, text, pattern) => {
    await withStore(async (store) => {
      const good = await importSuiteZero(store, file('good.json', NEW_LAYOUT))
      const path = file('bad.json', text)
      const message = await expectRejects(importSuiteZero(store, path), 'BAD_FILE', pattern)
      expect(message).toContain(path)
      expect(countRows(store, 'proxy_scores')).toBe(good.items)
    })
  })
})
