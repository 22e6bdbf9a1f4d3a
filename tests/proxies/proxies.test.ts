import { beforeAll, describe, expect, it } from 'vitest'
import type { TfjsRuntime } from '../../src/main/core/backends/tfjs/index.ts'
import { loadProxyRuntime } from '../../src/main/proxies/runtime.ts'
import { getProxy, proxyIds } from '../../src/main/proxies/registry.ts'
import { stridedBatch, stridedNetwork, tinyBatch, tinyNetwork } from './tiny-network.ts'

/**
 * Each proxy on the tiny network of tiny-network.ts. Expected values: params and flops in closed
 * form; the others computed by /work/notes/issue15/tiny_proxies.py with PyTorch 1.13 in float64 on the
 * same weights, input and labels, following NASLib's measures (printed values pasted here). Ours run in
 * float32 on tfjs-wasm and tfjs-cpu, hence the relative tolerances.
 */
describe.each(['tfjs-wasm', 'tfjs-cpu'] as const)('native proxies on a 1-conv network on %s', (backend) => {
  let runtime: TfjsRuntime
  beforeAll(async () => {
    runtime = await loadProxyRuntime(backend)
  })
  const score = (id: string): number | null => getProxy(id).compute(tinyNetwork(), tinyBatch(), { runtime })

  it('params: conv 2*3*9 + BN 2*3 + linear 3*2+2 = 68', () => {
    expect(score('params')).toBe(68)
  })

  it('flops: multiply-accumulates per image, conv 3*16 outputs x 18 + linear 3*2 = 870', () => {
    expect(score('flops')).toBe(870)
  })

  it('nwot: log|K| of the ReLU codes as PyTorch slogdet (K = [[48,32,37,29],...])', () => {
    expect(score('nwot')).toBeCloseTo(12.228714376010998, 9)
  })

  it('synflow: abs weights, BN removed, all-ones input, as NASLib in float64', () => {
    expect(relativeError(score('synflow'), 8.555161987732916)).toBeLessThan(1e-5)
  })

  it('grad_norm: sum of per-layer gradient norms of the cross-entropy', () => {
    expect(relativeError(score('grad_norm'), 0.03506582546681883)).toBeLessThan(1e-4)
  })

  it('snip: sum of |dL/dw * w|', () => {
    expect(relativeError(score('snip'), 0.026375978590469154)).toBeLessThan(1e-4)
  })

  it('jacov: -sum log(v + k) + 1/(v + k) over the eigenvalues of the Jacobian correlations', () => {
    expect(relativeError(score('jacov'), -12.541789473122556)).toBeLessThan(1e-4)
  })

  it('on a strided conv, both pools and a 1x1 conv, every proxy matches PyTorch (tiny_proxies2.py)', () => {
    const compute = (id: string): number | null => getProxy(id).compute(stridedNetwork(), stridedBatch(), { runtime })
    expect(compute('nwot')).toBeCloseTo(11.19783108490811, 9)
    expect(relativeError(compute('synflow'), 97.75216670865584)).toBeLessThan(1e-5)
    expect(relativeError(compute('grad_norm'), 0.4036453388704682)).toBeLessThan(1e-4)
    expect(relativeError(compute('snip'), 0.3272894523878429)).toBeLessThan(1e-4)
    expect(relativeError(compute('jacov'), -3.904473691060966)).toBeLessThan(1e-4)
    expect(relativeError(compute('fisher'), 0.07091732338687365)).toBeLessThan(1e-4)
  })

  it('fisher: sum over layers of fan_in x sum over channels of 0.5 mean_n (sum_hw a dL/da)^2', () => {
    expect(relativeError(score('fisher'), 0.0015447024712379382)).toBeLessThan(1e-4)
  })

  it('an unknown proxy is refused with the list of known ones', () => {
    expect(() => getProxy('zen-nas')).toThrow(`unknown proxy 'zen-nas' (expected one of ${proxyIds().join(', ')})`)
  })
})

function relativeError(actual: number | null, expected: number): number {
  if (actual === null) return Infinity
  return Math.abs(actual - expected) / Math.abs(expected)
}
