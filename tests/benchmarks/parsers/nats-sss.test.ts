import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { importNb201FromNats, importNatsSssFromNats } from '../../../src/main/benchmarks/parsers/nats.ts'
import { enumerateNatsSss } from '../../../src/main/core/spaces/natssss/index.ts'
import { listBenchmarkImports, spaceAccuracies, spaceArchsByIndex, spaceCosts, type BenchmarkStore } from '../../../src/main/store/benchmarks.ts'
import { makeTar, type TarSpec } from '../tar-writer.ts'
import { countRows, expectRejects, FIXTURES, useTempDir, withFreshStore, writeTempFile } from './helpers.ts'

const tmp = useTempDir('nats-sss')
const SSS = join(FIXTURES, 'nats-sss', 'synthetic')
const TSS = join(FIXTURES, 'nats', 'synthetic')
const PREFIX = 'NATS-sss-v1_0-50262-simple'

interface ExpectedArch {
  index: number
  arch: string
  accuracies: Record<string, { mean: number; min: number; max: number; seeds: number }>
  costs: Record<string, { params: number; flops: number; latency: number }>
}
/** Written by scripts/make-fixtures.py (nats_sss_synthetic): Python's own reading of the same files. */
const expected = JSON.parse(readFileSync(join(FIXTURES, 'nats-sss', 'expected.json'), 'utf8')) as Record<'000011' | '000284', ExpectedArch> & {
  meta: { count: number; first: string; last: string }
}

function member(file: string, dir = SSS, name = file): TarSpec {
  return { name: `${PREFIX}/${name}`, data: readFileSync(join(dir, file)) }
}

/** The size-space archive's layout: a folder entry, the arch files and meta in no particular order. */
function sssTar(): Buffer {
  return makeTar([{ name: `${PREFIX}/`, type: '5' }, member('000284.pickle.pbz2'), member('meta.pickle.pbz2'), member('000011.pickle.pbz2')])
}

const write = (name: string, bytes: Buffer): string => writeTempFile(tmp(), name, bytes)

const withStore = (fn: (store: BenchmarkStore) => Promise<void>): Promise<void> => withFreshStore(tmp(), fn)

describe('importNatsSssFromNats (NATS-sss-v1_0-50262-simple)', () => {
  test('stores every (training set, evaluation set, budget 1 / 12 / 90) mean, min and max exactly as Python computes them', async () => {
    await withStore(async (store) => {
      const result = await importNatsSssFromNats(store, write('sss.tar', sssTar()))
      expect(result).toEqual({ benchmark: 'natssss', items: 2, records: 3 })
      for (const key of ['000011', '000284'] as const) {
        const arch = expected[key]
        expect(Object.keys(arch.accuracies)).toHaveLength(27)
        for (const [rowKey, row] of Object.entries(arch.accuracies)) {
          const [dataset, split, epochs] = rowKey.split('/')
          const stored = store.db
            .prepare<[string, string, string, number], { accuracy: number; accuracy_min: number; accuracy_max: number; seeds: number }>(
              "SELECT accuracy, accuracy_min, accuracy_max, seeds FROM space_accuracies WHERE space = 'natssss' AND arch = ? AND dataset = ? AND split = ? AND epochs = ?",
            )
            .get(arch.arch, dataset, split, Number(epochs))
          expect(stored, rowKey).toEqual({ accuracy: row.mean, accuracy_min: row.min, accuracy_max: row.max, seeds: row.seeds })
        }
        for (const [dataset, cost] of Object.entries(arch.costs)) {
          expect(spaceCosts(store, 'natssss', dataset as 'cifar10').get(arch.arch)).toEqual(cost)
        }
      }
      expect(countRows(store, 'space_accuracies')).toBe(2 * 27)
    })
  })

  test('the epsinas test / valid definitions at the 90-epoch budget, and the other budgets on request', async () => {
    await withStore(async (store) => {
      await importNatsSssFromNats(store, write('splits.tar', sssTar()))
      const arch = expected['000011'].arch
      const at90 = (dataset: 'cifar10' | 'cifar100' | 'ImageNet16-120', split: 'test' | 'valid'): number | undefined =>
        spaceAccuracies(store, 'natssss', dataset, split, { epochs: 90 }).get(arch)
      // cifar10 test = trained on cifar10, ori-test; valid = trained on cifar10-valid, x-valid.
      expect(at90('cifar10', 'test')).toBe(expected['000011'].accuracies['cifar10/ori-test/90'].mean)
      expect(at90('cifar10', 'valid')).toBe(expected['000011'].accuracies['cifar10-valid/x-valid/90'].mean)
      expect(at90('cifar100', 'test')).toBe(expected['000011'].accuracies['cifar100/x-test/90'].mean)
      expect(at90('ImageNet16-120', 'valid')).toBe(expected['000011'].accuracies['ImageNet16-120/x-valid/90'].mean)
      expect(spaceAccuracies(store, 'natssss', 'cifar100', 'test', { epochs: 12 }).get(arch)).toBe(expected['000011'].accuracies['cifar100/x-test/12'].mean)
      expect(spaceAccuracies(store, 'natssss', 'cifar100', 'test', { epochs: 12, stat: 'max' }).get(arch)).toBe(expected['000011'].accuracies['cifar100/x-test/12'].max)
      expect(spaceAccuracies(store, 'natssss', 'cifar10', 'test', { epochs: 1 }).get(arch)).toBe(expected['000011'].accuracies['cifar10/ori-test/1'].mean)
      // The size space has no 200-epoch budget, and its rows are not NB201's.
      expect(spaceAccuracies(store, 'natssss', 'cifar10', 'test', { epochs: 200 }).size).toBe(0)
      expect(spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 90 }).size).toBe(0)
    })
  })

  test('arch ids are natssss arch strings, and the benchmark index is the space enumeration order', async () => {
    await withStore(async (store) => {
      await importNatsSssFromNats(store, write('index.tar', sssTar()))
      const byIndex = spaceArchsByIndex(store, 'natssss')
      expect(byIndex.size).toBe(32_768)
      const order = enumerateNatsSss()
      expect(Array.from({ length: byIndex.size }, (_, i) => byIndex.get(i))).toEqual(order)
      expect(byIndex.get(11)).toBe('8:8:8:16:32')
      expect(byIndex.get(284)).toBe('8:8:40:32:40')
      expect(byIndex.get(32_767)).toBe(expected.meta.last)
      expect(spaceArchsByIndex(store, 'nb201').size).toBe(0)
    })
  })

  test('a size import and a topology import live side by side in one cache', async () => {
    await withStore(async (store) => {
      await importNb201FromNats(store, write('tss.tar', makeTar([{ name: 'NATS-tss-v1_0-3ffb9-simple/000007.pickle.pbz2', data: readFileSync(join(TSS, '000007.pickle.pbz2')) }])))
      const nb201Before = spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200 })
      await importNatsSssFromNats(store, write('both.tar', sssTar()))
      expect(spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200 })).toEqual(nb201Before)
      expect(nb201Before.size).toBe(1)
      expect(spaceAccuracies(store, 'natssss', 'cifar10', 'test', { epochs: 90 }).size).toBe(2)
      expect(listBenchmarkImports(store).map((i) => [i.benchmark, i.format])).toEqual([
        ['natssss', 'nats-sss-simple'],
        ['nb201', 'nats-tss-simple'],
      ])
      // Re-importing the size archive replaces only the size space's rows.
      await importNatsSssFromNats(store, write('only-11.tar', makeTar([member('000011.pickle.pbz2')])))
      expect(spaceAccuracies(store, 'natssss', 'cifar10', 'test', { epochs: 90 }).size).toBe(1)
      expect(spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200 })).toEqual(nb201Before)
    })
  })

  test('reads the extracted NATS-sss-v1_0-50262-simple folder like the tar', async () => {
    await withStore(async (store) => {
      const folder = join(tmp(), PREFIX)
      mkdirSync(folder, { recursive: true })
      for (const file of ['meta', '000011', '000284']) writeFileSync(join(folder, `${file}.pickle.pbz2`), readFileSync(join(SSS, `${file}.pickle.pbz2`)))
      await importNatsSssFromNats(store, folder)
      expect(spaceAccuracies(store, 'natssss', 'ImageNet16-120', 'test', { epochs: 90 }).get('8:8:40:32:40')).toBe(expected['000284'].accuracies['ImageNet16-120/x-test/90'].mean)
    })
  })
})

describe('an archive of the other NATS search space is refused with one line, and nothing changes', () => {
  const cases: Array<[string, (store: BenchmarkStore, path: string) => Promise<unknown>, () => Buffer, RegExp]> = [
    [
      'the topology archive converted as the size space',
      (store, path) => importNatsSssFromNats(store, path),
      () => makeTar([{ name: 'NATS-tss-v1_0-3ffb9-simple/000007.pickle.pbz2', data: readFileSync(join(TSS, '000007.pickle.pbz2')) }]),
      /holds NATS-Bench topology \(nb201\) architectures \("\|nor_conv_3x3~0\|\+.*\), not NATS-Bench size ones: convert it as nb201-nats-tss-simple$/,
    ],
    [
      'the size archive converted as the topology space',
      (store, path) => importNb201FromNats(store, path),
      () => sssTar(),
      /holds NATS-Bench size \(natssss\) architectures \("8:8:40:32:40"\), not NATS-Bench topology ones: convert it as natssss-nats-sss-simple$/,
    ],
    [
      'a size arch file whose arch is not the one at its index',
      (store, path) => importNatsSssFromNats(store, path),
      () => makeTar([member('misordered.pickle.pbz2', SSS, '000011.pickle.pbz2')]),
      /000011\.pickle\.pbz2.*arch_index 11 is 8:8:8:16:32 in the natssss index order, but the file holds 8:8:8:16:40/,
    ],
  ]
  test.each(cases)('%s', async (_name, importer, bytes, pattern) => {
    await withStore(async (store) => {
      await importNatsSssFromNats(store, write('good-sss.tar', sssTar()))
      await importNb201FromNats(store, write('good-tss.tar', makeTar([{ name: 'x/000007.pickle.pbz2', data: readFileSync(join(TSS, '000007.pickle.pbz2')) }])))
      const before = store.db.prepare('SELECT * FROM space_accuracies ORDER BY space, dataset, split, epochs, arch').all()
      const imports = listBenchmarkImports(store)
      const path = write('wrong.tar', bytes())
      const message = await expectRejects(importer(store, path), 'BAD_FILE', pattern)
      expect(message).toContain(path)
      expect(message.split('\n')).toHaveLength(1)
      expect(store.db.prepare('SELECT * FROM space_accuracies ORDER BY space, dataset, split, epochs, arch').all()).toEqual(before)
      expect(listBenchmarkImports(store)).toEqual(imports)
    })
  })
})
