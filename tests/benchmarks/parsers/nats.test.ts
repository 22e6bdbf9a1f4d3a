import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { importNb201FromNats } from '../../../src/main/benchmarks/parsers/nats.ts'
import {
  listBenchmarkImports,
  spaceAccuracies,
  spaceArchsByIndex,
  spaceCosts,
  type BenchmarkStore,
} from '../../../src/main/store/benchmarks.ts'
import { makeTar, type TarSpec } from '../tar-writer.ts'
import { countRows, expectRejects, FIXTURES, useTempDir, withFreshStore, writeTempFile } from './helpers.ts'

const tmp = useTempDir('nats')
const SAMPLE = join(FIXTURES, 'nats', 'sample')
const SYNTHETIC = join(FIXTURES, 'nats', 'synthetic')
const PREFIX = 'NATS-tss-v1_0-3ffb9-simple'

interface ExpectedArch {
  index: number
  arch: string
  accuracies: Record<string, { mean: number; min: number; max: number; seeds: number }>
  costs: Record<string, { params: number; flops: number; latency: number }>
}
const expected = JSON.parse(readFileSync(join(FIXTURES, 'nats', 'expected.json'), 'utf8')) as Record<string, ExpectedArch> & {
  meta: { count: number; first: string; last: string }
}

function member(file: string, dir = SAMPLE, name = file): TarSpec {
  return { name: `${PREFIX}/${name}`, data: readFileSync(join(dir, file)) }
}

/** The real sample files in a tar, meta not first (member order is not guaranteed). */
function sampleTar(): Buffer {
  return makeTar([
    { name: `${PREFIX}/`, type: '5' },
    member('000011.pickle.pbz2'),
    member('meta.pickle.pbz2'),
    member('000000.pickle.pbz2'),
    member('000284.pickle.pbz2'),
  ])
}

const write = (name: string, bytes: Buffer): string => writeTempFile(tmp(), name, bytes)

const withStore = (fn: (store: BenchmarkStore) => Promise<void>): Promise<void> => withFreshStore(tmp(), fn)

describe('importNb201FromNats on the real NATS sample files', () => {
  test('stores every (dataset, split, budget) mean, min and max exactly as Python computes them', async () => {
    await withStore(async (store) => {
      const result = await importNb201FromNats(store, write('sample.tar', sampleTar()))
      expect(result).toEqual({ benchmark: 'nb201', items: 3, records: 4 })
      for (const key of ['000000', '000011', '000284']) {
        const arch = expected[key]
        for (const [rowKey, row] of Object.entries(arch.accuracies)) {
          const [dataset, split, epochs] = rowKey.split('/')
          const stored = store.db
            .prepare<[string, string, string, number], { accuracy: number; accuracy_min: number; accuracy_max: number; seeds: number }>(
              "SELECT accuracy, accuracy_min, accuracy_max, seeds FROM space_accuracies WHERE space = 'nb201' AND arch = ? AND dataset = ? AND split = ? AND epochs = ?",
            )
            .get(arch.arch, dataset, split, Number(epochs))
          expect(stored, rowKey).toEqual({ accuracy: row.mean, accuracy_min: row.min, accuracy_max: row.max, seeds: row.seeds })
        }
        expect(countRows(store, 'space_accuracies')).toBeGreaterThan(0)
        for (const [dataset, cost] of Object.entries(arch.costs)) {
          const stored = spaceCosts(store, 'nb201', dataset as 'cifar10').get(arch.arch)
          expect(stored?.params).toBe(cost.params)
          expect(stored?.flops).toBe(cost.flops)
          expect(stored?.latency).toBeCloseTo(cost.latency, 15)
        }
      }
    })
  })

  test('meets the test vectors of benchmark-data.md through the epsinas test / valid definitions', async () => {
    await withStore(async (store) => {
      await importNb201FromNats(store, write('vectors.tar', sampleTar()))
      const arch0 = expected['000000'].arch
      expect(spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200 }).get(arch0)).toBeCloseTo(85.8633, 4)
      expect(spaceAccuracies(store, 'nb201', 'cifar10', 'valid', { epochs: 200 }).get(arch0)).toBeCloseTo(81.9827, 4)
      expect(spaceAccuracies(store, 'nb201', 'cifar10-valid', 'ori-test', { epochs: 200 }).get(arch0)).toBeCloseTo(81.52, 4)
      expect(spaceAccuracies(store, 'nb201', 'cifar100', 'test', { epochs: 200 }).get(arch0)).toBeCloseTo(52.9133, 4)
      expect(spaceAccuracies(store, 'nb201', 'cifar100', 'valid', { epochs: 200 }).get(arch0)).toBeCloseTo(52.7, 4)
      expect(spaceAccuracies(store, 'nb201', 'ImageNet16-120', 'test', { epochs: 200 }).get(arch0)).toBeCloseTo(26.6333, 4)
      expect(spaceAccuracies(store, 'nb201', 'ImageNet16-120', 'x-valid', { epochs: 200 }).get(arch0)).toBeCloseTo(28.2111, 4)
      expect(spaceAccuracies(store, 'nb201', 'ImageNet16-120', 'ori-test', { epochs: 200 }).get(arch0)).toBeCloseTo(27.4222, 4)
      expect(spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200 }).get(expected['000011'].arch)).toBeCloseTo(91.5833, 4)
      expect(spaceAccuracies(store, 'nb201', 'cifar100', 'test', { epochs: 200 }).get(expected['000284'].arch)).toBeCloseTo(62.14, 4)
      expect(spaceAccuracies(store, 'nb201', 'ImageNet16-120', 'test', { epochs: 200 }).get(expected['000284'].arch)).toBeCloseTo(32.4667, 4)
      expect(spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 12 }).get(arch0)).toBe(69.55)
      expect(spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200 }).size).toBe(3)
    })
  })

  test('keeps the benchmark index of all 15,625 archs from meta_archs', async () => {
    await withStore(async (store) => {
      await importNb201FromNats(store, write('meta.tar', sampleTar()))
      const byIndex = spaceArchsByIndex(store, 'nb201')
      expect(byIndex.size).toBe(expected.meta.count)
      expect(byIndex.get(0)).toBe(expected.meta.first)
      expect(byIndex.get(15624)).toBe(expected.meta.last)
      expect(byIndex.get(284)).toBe(expected['000284'].arch)
    })
  })

  test('reads a gzipped tar and an extracted folder the same way', async () => {
    await withStore(async (store) => {
      const progress: number[] = []
      await importNb201FromNats(store, write('sample.tar.gz', gzipSync(sampleTar())), (p) => progress.push(p.bytesRead))
      const fromGzip = spaceAccuracies(store, 'nb201', 'cifar100', 'test', { epochs: 200 })
      const folder = join(tmp(), 'folder')
      mkdirSync(folder, { recursive: true })
      for (const file of ['meta', '000000', '000011', '000284']) writeFileSync(join(folder, `${file}.pickle.pbz2`), readFileSync(join(SAMPLE, `${file}.pickle.pbz2`)))
      await importNb201FromNats(store, folder)
      expect(spaceAccuracies(store, 'nb201', 'cifar100', 'test', { epochs: 200 })).toEqual(fromGzip)
      expect(listBenchmarkImports(store)[0]).toMatchObject({ benchmark: 'nb201', source: folder, items: 3 })
      expect(progress.at(-1)).toBeGreaterThan(0)
    })
  })
})

describe('importNb201FromNats on a synthetic file with chosen numbers', () => {
  test.each(['000007.pickle.pbz2', 'numpy2-names.pickle.pbz2'])('%s (numpy 1 and numpy 2 global names)', async (file) => {
    await withStore(async (store) => {
      await importNb201FromNats(store, write(`synthetic-${file}.tar`, makeTar([member(file, SYNTHETIC, '000007.pickle.pbz2')])))
      const arch = '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|'
      expect(spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200 }).get(arch)).toBe((93.5 + 94.5 + 92.5) / 3)
      expect(spaceAccuracies(store, 'nb201', 'cifar10', 'test', { epochs: 200, stat: 'min' }).get(arch)).toBe(92.5)
      expect(spaceAccuracies(store, 'nb201', 'cifar10', 'valid', { epochs: 200 }).get(arch)).toBe(90.5)
      expect(spaceAccuracies(store, 'nb201', 'cifar10-valid', 'x-test', { epochs: 12 }).get(arch)).toBe(61)
      expect(spaceAccuracies(store, 'nb201', 'cifar100', 'test', { epochs: 200 }).get(arch)).toBe(71)
      expect(spaceAccuracies(store, 'nb201', 'ImageNet16-120', 'test', { epochs: 200 }).size).toBe(0)
      expect(spaceCosts(store, 'nb201', 'cifar100').get(arch)).toEqual({ params: 0.51, flops: 70.25, latency: 0.02 })
      expect(spaceArchsByIndex(store, 'nb201').get(7)).toBe(arch)
    })
  })
})

describe('importNb201FromNats refuses, naming the file and the entry, and writes nothing', () => {
  const cases: Array<[string, () => Buffer, RegExp]> = [
    ['a hostile pickle (os.system)', () => makeTar([member('os-system.pickle.pbz2', SYNTHETIC, '000001.pickle.pbz2')]), /000001\.pickle\.pbz2.*global os\.system is not allowed/],
    ['a hostile pickle (builtins.eval)', () => makeTar([member('eval.pickle.pbz2', SYNTHETIC, '000001.pickle.pbz2')]), /global builtins\.eval is not allowed/],
    ['an archive cut inside an entry', () => sampleTar().subarray(0, 100_000), /truncated/],
    ['an archive without its end marker', () => makeTar([member('000000.pickle.pbz2')], { noEnd: true }), /end-of-archive marker.*truncated/],
    ['corrupt bzip2 data', () => corruptEntry(), /entry ".*000000\.pickle\.pbz2" \(tar header at byte 0\): corrupt bzip2 data/],
    ['a name that disagrees with arch_index', () => makeTar([member('000000.pickle.pbz2', SAMPLE, '000005.pickle.pbz2')]), /holds arch_index 0, not 5/],
    ['an arch that meta_archs lists elsewhere', () => makeTar([member('meta.pickle.pbz2'), member('000007.pickle.pbz2', SYNTHETIC)]), /architecture 7 is .* but meta_archs lists/],
    ['the same arch twice', () => makeTar([member('000007.pickle.pbz2', SYNTHETIC), { ...member('000007.pickle.pbz2', SYNTHETIC), name: 'copy/000007.pickle.pbz2' }]), /was already in entry/],
    ['a tar with no NATS files', () => makeTar([{ name: 'README', data: 'hello' }]), /no NATS per-architecture files/],
    ['a file that is not a tar', () => Buffer.from('<html>quota exceeded</html>'.padEnd(2048, ' ')), /checksum mismatch|not octal/],
  ]
  test.each(cases)('%s', async (_name, bytes, pattern) => {
    await withStore(async (store) => {
      const good = write('good.tar', makeTar([member('000007.pickle.pbz2', SYNTHETIC)]))
      await importNb201FromNats(store, good)
      const before = countRows(store, 'space_accuracies')
      const path = write('broken.tar', bytes())
      const message = await expectRejects(importNb201FromNats(store, path), 'BAD_FILE', pattern)
      expect(message).toContain(path)
      expect(countRows(store, 'space_accuracies')).toBe(before)
      expect(listBenchmarkImports(store)[0].source).toBe(good)
      expect(existsSync('/tmp/epsinas-pickle-was-executed')).toBe(false)
    })
  })

  test('a cancelled import writes nothing', async () => {
    await withStore(async (store) => {
      const controller = new AbortController()
      controller.abort()
      await expectRejects(importNb201FromNats(store, write('cancel.tar', sampleTar()), undefined, { signal: controller.signal }), 'CANCELLED')
      expect(countRows(store, 'space_archs')).toBe(0)
    })
  })
})

function corruptEntry(): Buffer {
  const tar = makeTar([member('000000.pickle.pbz2')])
  tar[512 + 40_000] ^= 0x55
  return tar
}
