import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { getProxy } from '../../src/main/proxies/registry.ts'
import { availableProxies, proxyNames } from '../../src/main/services/proxy-columns.ts'
import { proxyRevisionTag, proxyScoreKey } from '../../src/main/services/proxies.ts'
import { openBenchmarkStore, type BenchmarkStore } from '../../src/main/store/benchmarks.ts'
import { openProxyScoreStore, type ProxyScoreKey } from '../../src/main/store/proxy-scores.ts'
import { tempDir } from './api/helpers.ts'

/**
 * A proxy whose own definition changed (grasp: an exact Hg from revision 2 on) has its revision in its
 * cache key, so its older values are never read as current while every other proxy's stay valid.
 */
describe('per-proxy revisions in the native cache key', () => {
  let cleanup: () => void
  let benchmarks: BenchmarkStore
  const fields = { initSeed: 0, input: 'normal', inputSeed: 0, batchSize: 32, space: 'nb201', dataset: 'cifar10' } as const
  beforeAll(() => {
    const temp = tempDir('epsinas-proxy-revision-')
    cleanup = temp.cleanup
    const path = join(temp.dir, 'cache.db')
    const store = openProxyScoreStore(path)
    const put = (key: ProxyScoreKey, value: number): void => store.put(key, { arch: '|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|', value, ms: 1 })
    put({ ...fields, proxy: 'grasp', engine: 'full/tfjs-wasm@proxies.1' }, -138.4) // revision 1: the central difference
    put({ ...fields, proxy: 'grasp', engine: 'full/tfjs-wasm@proxies.1.2' }, 169.1)
    put({ ...fields, proxy: 'nwot', engine: 'full/tfjs-wasm@proxies.1' }, 12)
    store.close()
    benchmarks = openBenchmarkStore(path)
  })
  afterAll(() => {
    benchmarks.close()
    cleanup()
  })

  test('grasp is keyed @proxies.1.2, a proxy never revised @proxies.1', () => {
    expect(proxyRevisionTag(getProxy('grasp'))).toBe('@proxies.1.2')
    expect(proxyRevisionTag(getProxy('nwot'))).toBe('@proxies.1')
    expect(proxyScoreKey({ ...fields, space: 'nb201', dataset: 'cifar10' }, getProxy('grasp'), 'tfjs-wasm', 'normal').engine).toBe('full/tfjs-wasm@proxies.1.2')
  })

  test('only the current revision of each proxy is a column', () => {
    const available = availableProxies(benchmarks, 'nb201', 'cifar10')
    expect(proxyNames(available)).toEqual(['native:grasp', 'native:nwot'])
    expect(available.native.find((column) => column.name === 'native:grasp')?.description).toContain('engine full/tfjs-wasm@proxies.1.2 (1 archs stored)')
  })
})
