import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { writeFileSync } from 'node:fs'
import { installedNb201Order } from '../../src/main/benchmarks/arch-ids.ts'
import { openArchIdResolver } from '../../src/main/benchmarks/space-data/arch-id-resolver.ts'
import { importNb201FromNats } from '../../src/main/benchmarks/parsers/nats.ts'
import { allArchs } from '../../src/main/cli/arch-selection.ts'
import { enumerateNb201 } from '../../src/main/core/spaces/nb201/index.ts'
import { installedAccuracies } from '../../src/main/benchmarks/installed-accuracies.ts'
import { importNb101FromTfRecord } from '../../src/main/benchmarks/parsers/nb101-tfrecord.ts'
import { normalizeArch } from '../../src/main/core/scoring/index.ts'
import { nb101Hash } from '../../src/main/core/spaces/nb101/index.ts'
import { openBenchmarkStore, type BenchmarkStore } from '../../src/main/store/benchmarks.ts'
import { tempDir } from './download/fixtures.ts'
import { NATS_SAMPLE, natsSampleTar } from './nats-sample.ts'
import { writeNb101TfRecord } from './parsers/nb101-fixture.ts'
import { expectRejects } from './parsers/helpers.ts'

// The README's Inception-like cell, keyed by its real module hash as in nasbench_only108.
const SPEC = { matrix: [[0, 1, 1, 1, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]], ops: ['input', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'maxpool3x3', 'output'] } as const
const ARCH = normalizeArch('nb101', JSON.stringify(SPEC))
const HASH = nb101Hash(ARCH)

describe('installed benchmark lookups', () => {
  let dir: string
  let cleanup: () => void
  let db: string
  let store: BenchmarkStore
  beforeAll(async () => {
    ;({ dir, cleanup } = tempDir('epsinas-installed-'))
    db = join(dir, 'epsinas.db')
    const path = join(dir, 'only108.tfrecord')
    const run = { hash: HASH, epochs: 108, matrix: SPEC.matrix.flat().join(''), ops: SPEC.ops.join(','), params: 2694282 }
    writeNb101TfRecord(path, [{ ...run, test: 0.9, valid: 0.91 }, { ...run, test: 0.93, valid: 0.92 }, { ...run, test: 0.87, valid: 0.93 }])
    store = openBenchmarkStore(db)
    await importNb101FromTfRecord(store, path)
  })
  afterAll(() => {
    store.close()
    cleanup()
  })

  test('NB101 specs join the installed accuracies through their module hash', () => {
    expect(HASH).toBe('28cfc7874f6d200472e1a9dcd8650aa0')
    const test101 = installedAccuracies(store, 'nb101', 'cifar10', 'test', [ARCH, normalizeArch('nb101', '{"matrix": [[0, 1], [0, 0]], "ops": ["input", "output"]}')])
    expect([...test101.accuracies.keys()]).toEqual([ARCH])
    expect(test101.accuracies.get(ARCH)).toBeCloseTo(90, 10)
    expect(test101.source).toMatchObject({ benchmark: 'nb101', split: 'test', epochs: 108 })
    expect(installedAccuracies(store, 'nb101', 'cifar10', 'valid', [ARCH]).accuracies.get(ARCH)).toBeCloseTo(92, 10)
  })

  test('nothing installed for a space is BAD_FILE naming the items to convert', async () => {
    await expectRejects(Promise.resolve().then(() => installedAccuracies(store, 'nb201', 'cifar100', 'test', [])), 'BAD_FILE', /no nb201 cifar100 test accuracies/, /epsinas data convert nb201-nats-tss-simple/)
  })

  test('--archs ids: NB101 hashes become specs, NB201 indices need the NATS meta, other lines pass through', () => {
    const ids = openArchIdResolver(db)
    try {
      expect(ids.resolve('nb101', HASH.toUpperCase())).toBe(ARCH)
      expect(ids.resolve('nb101', ARCH)).toBeNull()
      expect(ids.resolve('nb201', '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|')).toBeNull()
      expect(() => ids.resolve('nb101', 'f'.repeat(32))).toThrow(/no NAS-Bench-101 module with hash f{32}/)
      expect(() => ids.resolve('nb201', '7')).toThrow(/7 looks like a NAS-Bench-201 index, but no benchmark index is installed/)
    } finally {
      ids.close()
    }
  })

  test('with NATS converted, every NB201 arch comes in the benchmark index order (reference sampling), else in ours', async () => {
    expect(installedNb201Order(db)).toBeNull()
    expect(installedNb201Order(join(dir, 'absent.db'))).toBeNull()
    const tar = join(dir, 'nats.tar')
    writeFileSync(tar, natsSampleTar())
    await importNb201FromNats(store, tar)
    const order = installedNb201Order(db)
    expect(order).toHaveLength(15625)
    expect(order?.[0]).toBe(NATS_SAMPLE['000000'].arch)
    expect(order?.[284]).toBe(NATS_SAMPLE['000284'].arch)
    expect(new Set(order)).toEqual(new Set(enumerateNb201()))
    expect(allArchs('nb201', db)).toEqual(order)
    expect(allArchs('nb201', join(dir, 'absent.db'))).toEqual(enumerateNb201())
    const ids = openArchIdResolver(db)
    try {
      expect(ids.resolve('nb201', '11')).toBe(NATS_SAMPLE['000011'].arch)
    } finally {
      ids.close()
    }
  })
})
