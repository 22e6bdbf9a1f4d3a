import { beforeAll, describe, expect, test } from 'vitest'
import { loadTfjs, type TfjsRuntime } from '../../src/main/core/backends/tfjs/index.ts'
import { GraphBuilder } from '../../src/main/core/ir/builder.ts'
import { epsilonFromOutputs } from '../../src/main/core/epsilon/index.ts'
import { explicitParameters } from '../../src/main/proxies/parameters.ts'
import { initEpsilon, initProxyId } from '../../src/main/services/studies-init.ts'

/**
 * The init study's epsilon: the metric on the outputs of two initialisations of one network. Checked
 * against outputs computed by hand: a global average pool and a linear layer, out[n][o] =
 * sum_c mean(x[n, c]) W[o][c] + b[o], in float64.
 */
const N = 4
const C = 2
const HW = 3
const OUT = 3

function network() {
  const b = new GraphBuilder()
  const x = b.input([N, C, HW, HW])
  const pool = b.add({ kind: 'globalavgpool' }, [x], 'pool')
  return b.build(b.add({ kind: 'linear', outFeatures: OUT }, [pool], 'fc'))
}

const images = Float32Array.from({ length: N * C * HW * HW }, (_, i) => Math.sin(0.7 * i + 0.3))

function byHand(weight: readonly number[], bias: readonly number[]): Float32Array {
  const out = new Float32Array(N * OUT)
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < OUT; o++) {
      let sum = bias[o]
      for (let c = 0; c < C; c++) {
        let mean = 0
        for (let k = 0; k < HW * HW; k++) mean += images[(n * C + c) * HW * HW + k]
        sum += (mean / (HW * HW)) * weight[o * C + c]
      }
      out[n * OUT + o] = sum
    }
  }
  return out
}

describe('epsilon of two random initialisations', () => {
  let runtime: TfjsRuntime
  beforeAll(async () => {
    runtime = await loadTfjs('tfjs-cpu')
  })

  test('is the metric on the two forward passes\' flattened outputs (hand-computed network)', () => {
    const graph = network()
    const fc = graph.nodes.find((node) => node.label === 'fc')?.id ?? -1
    const first = { weight: [0.3, -0.5, 0.8, 0.1, -0.2, 0.6], bias: [0.05, -0.1, 0.2] }
    const second = { weight: [-0.4, 0.9, 0.2, -0.7, 0.5, 0.3], bias: [0.1, 0.0, -0.3] }
    const value = initEpsilon(runtime, graph, { data: images, shape: [N, C, HW, HW] }, [explicitParameters(graph, new Map([[fc, first]])), explicitParameters(graph, new Map([[fc, second]]))])
    const expected = epsilonFromOutputs(byHand(first.weight, first.bias), byHand(second.weight, second.bias)).value
    expect(Number.isFinite(expected) && expected > 0).toBe(true)
    expect(value).not.toBeNull()
    expect(Math.abs((value as number) - expected)).toBeLessThanOrEqual(1e-5 * expected)
    // One initialisation twice: no dispersion at all.
    expect(initEpsilon(runtime, graph, { data: images, shape: [N, C, HW, HW] }, [explicitParameters(graph, new Map([[fc, first]])), explicitParameters(graph, new Map([[fc, first]]))])).toBe(0)
  })

  test('is stored under the proxy id epsilon-init:<scheme>', () => {
    expect(initProxyId('kaiming-normal')).toBe('epsilon-init:kaiming-normal')
  })
})
