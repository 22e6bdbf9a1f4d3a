import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { installedAccuracies } from '../../src/main/benchmarks/installed-accuracies.ts'
import { importNatsSssFromNats } from '../../src/main/benchmarks/parsers/nats.ts'
import { openArchIdResolver } from '../../src/main/benchmarks/space-data/arch-id-resolver.ts'
import { spaceBenchmarkData } from '../../src/main/benchmarks/space-data/index.ts'
import { installedAccuracyTable } from '../../src/main/services/api/compare.ts'
import { openBenchmarkStore, type BenchmarkStore } from '../../src/main/store/benchmarks.ts'
import { tempDir } from './download/fixtures.ts'
import { NATS_SSS_SAMPLE, natsSssSampleTar } from './nats-sss-sample.ts'
import { expectRejects } from './parsers/helpers.ts'

const A11 = NATS_SSS_SAMPLE['000011']
const A284 = NATS_SSS_SAMPLE['000284']

describe('installed NATS-Bench size data: what stats, sweeps and the Compare page read for --space natssss', () => {
  let dir: string
  let cleanup: () => void
  let db: string
  let store: BenchmarkStore
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir('epsinas-installed-sss-'))
    db = join(dir, 'epsinas.db')
    store = openBenchmarkStore(db)
  })
  afterAll(() => {
    store.close()
    cleanup()
  })

  test('nothing installed is BAD_FILE naming the size archive item to download and convert', async () => {
    await expectRejects(
      Promise.resolve().then(() => installedAccuracies(store, 'natssss', 'cifar10', undefined, [A11.arch])),
      'BAD_FILE',
      /no natssss cifar10 accuracies are installed/,
      /epsinas data download natssss-nats-sss-simple then epsinas data convert natssss-nats-sss-simple/,
    )
    expect(installedAccuracyTable(store, 'natssss', 'cifar10')).toEqual({ accuracies: new Map(), source: null })
  })

  test('after the conversion: the 90-epoch accuracies by the epsinas test / valid definitions, named with budget and sets', async () => {
    const tar = join(dir, 'sss.tar')
    writeFileSync(tar, natsSssSampleTar())
    await importNatsSssFromNats(store, tar)
    const test10 = installedAccuracies(store, 'natssss', 'cifar10', undefined, [A11.arch, A284.arch, '64:64:64:64:64'])
    expect(test10.accuracies).toEqual(new Map([[A11.arch, A11.accuracies['cifar10/ori-test/90'].mean], [A284.arch, A284.accuracies['cifar10/ori-test/90'].mean]]))
    expect(test10.source).toMatchObject({ benchmark: 'natssss', item: null, split: 'test', epochs: 90 })
    expect(test10.source.description).toBe(
      `natssss (imported from ${tar}): NATS-Bench size cifar10 test accuracy (trained on cifar10, evaluated on ori-test), mean over seeds, test split, 90 epochs`,
    )
    const valid = installedAccuracies(store, 'natssss', 'ImageNet16-120', 'valid', [A284.arch])
    expect(valid.accuracies.get(A284.arch)).toBe(A284.accuracies['ImageNet16-120/x-valid/90'].mean)
    await expectRejects(Promise.resolve().then(() => installedAccuracies(store, 'natssss', 'ptb', 'test', [])), 'BAD_ARGUMENT', /NATS-Bench size has accuracies for cifar10, cifar100, ImageNet16-120 only/)
  })

  test('the Compare page gets the same accuracies with their source line, and parameter counts per training set', () => {
    const compare = installedAccuracyTable(store, 'natssss', 'cifar100')
    expect(compare.accuracies.get(A11.arch)).toBe(A11.accuracies['cifar100/x-test/90'].mean)
    expect(compare.source).toMatch(/NATS-Bench size cifar100 test accuracy .*90 epochs$/)
    const params = spaceBenchmarkData('natssss').parameters?.(store, 'cifar100')
    expect(params?.get(A284.arch)?.params).toBe(A284.costs.cifar100.params)
  })

  test('stats: the installed target of natssss names the 90-epoch budget', () => {
    const target = spaceBenchmarkData('natssss').statsTarget
    expect(target?.datasets).toEqual(['cifar10', 'cifar100', 'ImageNet16-120'])
    const { values, note } = target!.values(store, 'cifar10', 'valid', [A11.arch])
    expect(values.get(A11.arch)).toBe(A11.accuracies['cifar10-valid/x-valid/90'].mean)
    expect(note).toMatch(/^accuracies: natssss .*trained on cifar10-valid, evaluated on x-valid.*validation split, 90 epochs$/)
  })

  test('--archs lines may be NATS-Bench size indices (the space order), with or without installed data', () => {
    for (const database of [db, join(dir, 'absent.db')]) {
      const ids = openArchIdResolver(database)
      try {
        expect(ids.resolve('natssss', '11')).toBe('8:8:8:16:32')
        expect(ids.resolve('natssss', '32767')).toBe('64:64:64:64:64')
        expect(ids.resolve('natssss', '8:8:8:16:32')).toBeNull()
        expect(() => ids.resolve('natssss', '32768')).toThrow(/NATS-Bench size index 32768 does not exist \(0\.\.32767\)/)
      } finally {
        ids.close()
      }
    }
  })
})
