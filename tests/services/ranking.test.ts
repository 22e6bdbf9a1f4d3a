import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { getSpace } from '../../src/main/core/spaces/registry.ts'
import { parseRankWith, rankArchs, rankingSignals } from '../../src/main/services/ranking.ts'
import { openBenchmarkStore, type BenchmarkStore } from '../../src/main/store/benchmarks.ts'
import { tempDir } from './api/helpers.ts'

const ARCHS = [nb201ArchAt(0), nb201ArchAt(5000), nb201ArchAt(15000)]

describe('parseRankWith', () => {
  test('none is the empty list; names are trimmed and kept once, in order', () => {
    expect(parseRankWith('none')).toEqual([])
    expect(parseRankWith(' synflow, jacov,synflow ')).toEqual(['synflow', 'jacov'])
  })

  test.each([
    ['synflow,,jacov', '--rank-with "synflow,,jacov": expected none or a comma-separated list of proxy names (e.g. synflow,jacov)'],
    ['val_accuracy', '--rank-with: val_accuracy is an accuracy, not a label-free proxy'],
    ['epsilon', '--rank-with names proxies besides epsilon and parameters, which are always used'],
  ])('%j is refused: %s', (text, message) => {
    expect(() => parseRankWith(text)).toThrow(message)
  })
})

describe('rankingSignals', () => {
  let cleanup: () => void
  let benchmarks: BenchmarkStore
  beforeAll(() => {
    const temp = tempDir('epsinas-ranking-')
    cleanup = temp.cleanup
    // A real cache file with empty benchmark tables: nothing of Suite-Zero installed.
    benchmarks = openBenchmarkStore(join(temp.dir, 'cache.db'))
  })
  afterAll(() => {
    benchmarks.close()
    cleanup()
  })

  const epsilon = [0.5, null, 0.25]

  test('epsilon and every arch\'s parameter count; the default proxies are simply absent when not installed', () => {
    const { signals, notes } = rankingSignals({ space: 'nb201', dataset: 'cifar100', archs: ARCHS, epsilon, benchmarks })
    expect(signals).toEqual([
      { name: 'epsilon', values: epsilon },
      { name: 'parameters', values: ARCHS.map((arch) => getSpace('nb201').parameterCount(arch, 'cifar100')) },
    ])
    expect(notes).toEqual([])
  })

  test('a proxy named and gone since is a note, not a failure', () => {
    const { signals, notes } = rankingSignals({ space: 'nb201', dataset: 'cifar10', archs: ARCHS, epsilon, benchmarks, rankWith: ['synflow'] })
    expect(signals.map((signal) => signal.name)).toEqual(['epsilon', 'parameters'])
    expect(notes).toEqual(['synflow not installed for nb201 cifar10: left out of the ranking'])
  })

  test('without benchmark tables: epsilon and parameters; the NaN arch is placed by its parameter count', () => {
    const ranking = rankArchs({ space: 'nb201', dataset: 'cifar10', archs: ARCHS, epsilon, benchmarks: null })
    expect(ranking.aggregateOf).toEqual(['parameters'])
    expect(ranking.placedBy).toEqual(['epsilon', 'aggregate', 'epsilon'])
    // Parameters 73,306 / 316,346 / 73,306: percentiles 1/2, 1, 1/2; epsilon's: 1 and 1/2 on archs 0 and 2.
    expect(getSpace('nb201').parameterCount(ARCHS[1], 'cifar10')).toBe(316346)
    expect(ranking.score).toEqual([Math.log(0.5) / 2, 0, Math.log(0.5)])
    expect(ranking.rank).toEqual([2, 1, 3])
  })
})
