import { describe, expect, it } from 'vitest'
import { GraphBuilder } from '../../src/main/core/ir/builder.ts'
import { loadProxyRuntime } from '../../src/main/proxies/runtime.ts'
import { initialiseParameters } from '../../src/main/proxies/parameters.ts'
import { PatternSet } from '../../src/main/proxies/swap.ts'
import { gaussianParameters, zenProxy } from '../../src/main/proxies/zen.ts'
import { tinyBatch } from './tiny-network.ts'

describe('swap patterns beyond 32 images', () => {
  it('counts distinct 40-bit rows (two words): rows differing only in bit 39 are distinct, equal rows once', () => {
    const n = 40
    const row = (ones: number[]): number[] => Array.from({ length: n }, (_, i) => (ones.includes(i) ? 1 : 0))
    const set = new PatternSet(n)
    set.addRows(Uint8Array.from([...row([0]), ...row([0, 39]), ...row([0]), ...row([]), ...row([39])]))
    expect(set.size).toBe(4)
  })

  it('keeps 32 images in one word: bit 31 set is a distinct pattern', () => {
    const set = new PatternSet(32)
    const rows = [new Array(32).fill(0), [...new Array(31).fill(0), 1], new Array(32).fill(1), new Array(32).fill(1)].flat()
    set.addRows(Uint8Array.from(rows))
    expect(set.size).toBe(3)
  })
})

describe("zen's Gaussian weights", () => {
  const b = new GraphBuilder()
  const x = b.input([2, 64, 8, 8])
  const graph = b.build(b.add({ kind: 'conv2d', outChannels: 64, kernel: 3, stride: 1, pad: 1 }, [x], 'conv'))

  it('map the seeded U(-b, b) draws to N(0, 1): mean within 0.01, variance within 0.02 over 36,864 weights; same seed, same weights', () => {
    const weights = gaussianParameters(initialiseParameters(graph, 7)).layers[0].weight
    const mean = weights.reduce((s, v) => s + v, 0) / weights.length
    const variance = weights.reduce((s, v) => s + (v - mean) ** 2, 0) / weights.length
    expect(weights.length).toBe(64 * 64 * 9)
    expect(Math.abs(mean)).toBeLessThan(0.01)
    expect(Math.abs(variance - 1)).toBeLessThan(0.02)
    expect(gaussianParameters(initialiseParameters(graph, 7)).layers[0].weight).toEqual(weights)
    expect(gaussianParameters(initialiseParameters(graph, 8)).layers[0].weight).not.toEqual(weights)
  })

  it('zen refuses a network without a global average pool in one line', async () => {
    const runtime = await loadProxyRuntime('tfjs-cpu')
    const input = { ...tinyBatch(), shape: [2, 64, 8, 8] as const, data: new Float32Array(2 * 64 * 64) }
    expect(() => zenProxy.compute({ graph, parameters: initialiseParameters(graph, 0) }, input, { runtime })).toThrow('zen needs a network with one global average pool (found 0)')
  })
})
