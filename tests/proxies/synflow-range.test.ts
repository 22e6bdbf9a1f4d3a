import { beforeAll, describe, expect, it } from 'vitest'
import { GraphBuilder } from '../../src/main/core/ir/builder.ts'
import type { TfjsRuntime } from '../../src/main/core/backends/tfjs/index.ts'
import { explicitParameters } from '../../src/main/proxies/parameters.ts'
import { loadProxyRuntime } from '../../src/main/proxies/runtime.ts'
import { synflowProxy } from '../../src/main/proxies/synflow.ts'

/**
 * A chain of L 1x1 convs of weight a, then global pooling and a linear layer (c, bias b), on one
 * all-ones pixel: R = c a^L + b, and every weight's |theta dR/dtheta| is c a^L, so synflow = (L + 1) c a^L
 * (closed form). With a = 1e4 and L = 12 that is 13 * 0.5 * 1e48, and dR/dh at the first layer
 * 0.5e44, both past float32's 3.4e38: the scaled input and objective keep them in range.
 */
function chain(layers: number, a: number, c: number) {
  const b = new GraphBuilder()
  let x = b.input([2, 1, 1, 1])
  const weights = new Map<number, { weight: number[]; bias?: number[] }>()
  for (let i = 0; i < layers; i++) {
    x = b.add({ kind: 'conv2d', outChannels: 1, kernel: 1, stride: 1, pad: 0 }, [x], `conv${i}`)
    weights.set(x, { weight: [a] })
    x = b.add({ kind: 'relu' }, [x], `relu${i}`)
  }
  const fc = b.add({ kind: 'linear', outFeatures: 1 }, [b.add({ kind: 'globalavgpool' }, [x], 'pool')], 'fc')
  weights.set(fc, { weight: [c], bias: [-3] })
  const graph = b.build(fc)
  return { graph, parameters: explicitParameters(graph, weights) }
}

describe('synflow beyond float32', () => {
  let runtime: TfjsRuntime
  beforeAll(async () => {
    runtime = await loadProxyRuntime('tfjs-wasm')
  })
  const batch = { shape: [2, 1, 1, 1] as const, data: new Float32Array(2), labels: new Int32Array(2), classes: 1 }

  it('a 12-layer chain of weight 1e4: (L + 1) c a^L = 6.5e48, finite and exact to float32 rounding', () => {
    const value = synflowProxy.compute(chain(12, 1e4, 0.5), batch, { runtime })
    expect(value).not.toBeNull()
    expect(Math.abs(value! - 13 * 0.5 * 1e48) / (13 * 0.5 * 1e48)).toBeLessThan(1e-5)
  })

  it('abs weights: a negative weight counts as its absolute value', () => {
    const value = synflowProxy.compute(chain(3, -2, -0.25), batch, { runtime })
    expect(value).toBeCloseTo(4 * 0.25 * 8, 5)
  })
})
