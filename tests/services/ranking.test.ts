import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { getSpace } from '../../src/main/core/spaces/registry.ts'
import { checkRankProxiesInstalled, parseRankWith, rankArchs, rankingSignals } from '../../src/main/services/ranking.ts'
import { availableProxies, proxyColumns, proxyNames } from '../../src/main/services/proxy-columns.ts'
import { openBenchmarkStore, type BenchmarkStore } from '../../src/main/store/benchmarks.ts'
import { openProxyScoreStore, type ProxyScoreKey } from '../../src/main/store/proxy-scores.ts'
import { getProxy } from '../../src/main/proxies/registry.ts'
import { proxyRevisionTag } from '../../src/main/services/proxies.ts'
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

/** Issue 15: native proxies (epsinas proxies, native_proxy_scores) in the same cache file join the ranking. */
describe('rankingSignals with native proxies', () => {
  let cleanup: () => void
  let path: string
  let benchmarks: BenchmarkStore
  // Each proxy's current revision tag (synflow is at revision 2: @proxies.1.2).
  const key = (proxy: string, initSeed: number): ProxyScoreKey => ({ proxy, initSeed, input: 'grey', inputSeed: 0, batchSize: 32, engine: `full/tfjs-wasm${proxyRevisionTag(getProxy(proxy))}`, space: 'nb201', dataset: 'cifar10' })
  const epsilon = [0.5, null, 0.25]
  beforeAll(() => {
    const temp = tempDir('epsinas-ranking-native-')
    cleanup = temp.cleanup
    path = join(temp.dir, 'cache.db')
    const store = openProxyScoreStore(path)
    // synflow once; nwot under two init seeds; one stale synflow of an older proxy revision.
    ARCHS.forEach((arch, i) => {
      store.put(key('synflow', 0), { arch, value: [30, 20, null][i], ms: 1 })
      store.put(key('nwot', 0), { arch, value: 100 + i, ms: 1 })
      store.put(key('nwot', 1), { arch, value: 200 - i, ms: 1 })
      store.put({ ...key('synflow', 0), engine: 'full/tfjs-wasm@proxies.0' }, { arch, value: 7, ms: 1 })
    })
    store.close()
    benchmarks = openBenchmarkStore(path)
  })
  afterAll(() => {
    benchmarks.close()
    cleanup()
  })

  test('each stored key is one column named by its source; keys of one proxy are told apart by the fields that differ; older revisions are not read', () => {
    const available = availableProxies(benchmarks, 'nb201', 'cifar10')
    expect(proxyNames(available)).toEqual(['native:nwot[init=0]', 'native:nwot[init=1]', 'native:synflow'])
    expect(available.native[2].description).toBe('computed by epsinas proxies: init seed 0, input grey seed 0, batch 32, engine full/tfjs-wasm@proxies.1.2 (3 archs stored)')
    const { columns } = proxyColumns(benchmarks, 'nb201', 'cifar10', [ARCHS[2], 'not-stored', ARCHS[0]])
    expect(columns.map(({ name, source, values }) => ({ name, source, values }))).toEqual([
      { name: 'native:nwot[init=0]', source: 'native', values: [102, null, 100] },
      { name: 'native:nwot[init=1]', source: 'native', values: [198, null, 200] },
      { name: 'native:synflow', source: 'native', values: [null, null, 30] },
    ])
  })

  test('the default set takes the native synflow where Suite-Zero has none; jacov, in neither, is simply absent', () => {
    const { signals, notes } = rankingSignals({ space: 'nb201', dataset: 'cifar10', archs: ARCHS, epsilon, benchmarks })
    expect(signals.map((signal) => signal.name)).toEqual(['epsilon', 'parameters', 'native:synflow'])
    expect(signals[2].values).toEqual([30, 20, null])
    expect(notes).toEqual([])
  })

  test('--rank-with: a plain name, native:NAME and a full name pick one column; a name with two keys is a note naming both', () => {
    const pick = (rankWith: string[]) => rankingSignals({ space: 'nb201', dataset: 'cifar10', archs: ARCHS, epsilon, benchmarks, rankWith })
    expect(pick(['synflow']).signals.map((s) => s.name)).toEqual(['epsilon', 'parameters', 'native:synflow'])
    expect(pick(['native:synflow', 'native:nwot[init=1]']).signals.map((s) => s.name)).toEqual(['epsilon', 'parameters', 'native:synflow', 'native:nwot[init=1]'])
    const ambiguous = pick(['nwot', 'synflow'])
    expect(ambiguous.signals.map((s) => s.name)).toEqual(['epsilon', 'parameters', 'native:synflow'])
    expect(ambiguous.notes).toEqual(['nwot: the cache holds 2 native keys of nwot; name one of native:nwot[init=0], native:nwot[init=1]: left out of the ranking'])
  })

  test('checkRankProxiesInstalled: native names pass; a name with two keys or in neither source is refused in one line', () => {
    expect(() => checkRankProxiesInstalled(benchmarks, 'nb201', 'cifar10', ['synflow', 'native:nwot[init=0]'])).not.toThrow()
    expect(() => checkRankProxiesInstalled(benchmarks, 'nb201', 'cifar10', ['native:nwot'])).toThrow(
      '--rank-with: native:nwot: the cache holds 2 native keys of nwot; name one of native:nwot[init=0], native:nwot[init=1]',
    )
    expect(() => checkRankProxiesInstalled(benchmarks, 'nb201', 'cifar10', ['jacov'])).toThrow(
      `--rank-with: jacov not installed for nb201 cifar10 in ${path} (installed: native:nwot[init=0], native:nwot[init=1], native:synflow)`,
    )
  })
})
