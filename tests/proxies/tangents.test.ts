import { beforeAll, describe, expect, it } from 'vitest'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { TfjsRuntime } from '../../src/main/core/backends/tfjs/index.ts'
import { GraphBuilder } from '../../src/main/core/ir/builder.ts'
import type { ImportedOp } from '../../src/main/core/ir/graph.ts'
import { buildNetwork } from '../../src/main/core/scoring/network.ts'
import { withDatasetClassifier } from '../../src/main/proxies/classifier.ts'
import { lossGradients } from '../../src/main/proxies/gradients.ts'
import { imageTensor, layerTensors } from '../../src/main/proxies/network.ts'
import { initialiseParameters } from '../../src/main/proxies/parameters.ts'
import type { ProxyBatch, ProxyNetwork } from '../../src/main/proxies/proxy.ts'
import { loadProxyRuntime } from '../../src/main/proxies/runtime.ts'
import { crossEntropyTangent, gradientOfTangentObjective } from '../../src/main/proxies/tangents.ts'
import { win } from '../core/imported-ops/helpers.ts'
import { stridedBatch, stridedNetwork, tinyBatch, tinyNetwork } from './tiny-network.ts'

/**
 * The forward-mode rules grasp's Hessian-gradient product rests on (proxies/tangents.ts), checked
 * against tfjs's own reverse mode, which they share nothing with: the derivative of the loss along a
 * direction v must equal grad L . v, for every op kind the proxies' networks have (a wrong rule for
 * one op is off by that op's share of the sum, far above float32 rounding). And the gradient of that
 * derivative, taken segment by segment, must be a symmetric Hessian: w . (H v) = v . (H w).
 */

/** Every imported op with a forward rule of its own, on a small image graph: conv (plain and grouped), max pool, the elementwise ops. */
function importedNetwork(): ProxyNetwork {
  const b = new GraphBuilder()
  const x = b.input([2, 3, 8, 8])
  const add = (op: ImportedOp | Parameters<GraphBuilder['add']>[0], from: number, label: string): number => b.add(op, [from], label)
  let t = add({ kind: 'conv', outChannels: 4, groups: 1, window: win([3, 3], { pads: [1, 1, 1, 1] }) }, x, 'conv')
  t = add({ kind: 'batchnorm', eps: 1e-5 }, t, 'bn')
  t = add({ kind: 'hardswish' }, t, 'hardswish')
  t = add({ kind: 'conv', outChannels: 4, groups: 2, window: win([3, 3], { stride: [2, 2], pads: [1, 1, 1, 1] }) }, t, 'grouped')
  t = add({ kind: 'clip', min: -0.5, max: 0.5 }, t, 'clip')
  t = add({ kind: 'pool', mode: 'max', window: win([3, 3], { stride: [1, 1], pads: [1, 1, 1, 1] }), countIncludePad: false, ceilMode: false }, t, 'maxpool')
  t = add({ kind: 'hardsigmoid', alpha: 0.2, beta: 0.5 }, t, 'hardsigmoid')
  t = add({ kind: 'scalar', fn: 'div', value: 0.7, scalarFirst: true }, t, 'scalar')
  t = add({ kind: 'pad', pads: [1, 0, 0, 1] }, t, 'pad')
  t = add({ kind: 'flatten' }, t, 'flatten')
  const graph = b.build(add({ kind: 'linear', outFeatures: 3 }, t, 'fc'))
  return { graph, parameters: initialiseParameters(graph, 7) }
}

function imageBatch(shape: readonly [number, number, number, number], classes: number): ProxyBatch {
  const size = shape.reduce((a, c) => a * c, 1)
  return {
    shape,
    data: Float32Array.from({ length: size }, (_, i) => Math.sin(0.91 * i + 0.3) + 0.3 * Math.cos(0.17 * i)),
    labels: Int32Array.from({ length: shape[0] }, (_, i) => i % classes),
    classes,
  }
}

/** An NB201 network (full width, cifar10 classifier): convs, BatchNorm, both pools, zero edges, the residual blocks, several segments. */
function nb201Network(arch: string): ProxyNetwork {
  const graph = withDatasetClassifier(buildNetwork(arch, { space: 'nb201', dataset: 'cifar10', batchSize: 2 }, 'literal'), 10)
  return { graph, parameters: initialiseParameters(graph, 3) }
}

/** A direction per layer: a fixed wave, the same shape as the weight (tfjs layout). */
function direction(size: number, phase: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(1.7 * i + phase))
}

/** d/dt L(theta + t v) by the forward rules, and Hv, for directions v per layer. */
function derivativeAlong(runtime: TfjsRuntime, network: ProxyNetwork, batch: ProxyBatch, phase: number): { derivative: number; hv: Map<number, Float32Array>; v: Map<number, Float32Array> } {
  const { tf } = runtime
  let result = { derivative: Number.NaN, hv: new Map<number, Float32Array>(), v: new Map<number, Float32Array>() }
  tf.tidy(() => {
    const layers = layerTensors(tf, network.parameters)
    const v = new Map([...layers].map(([id, layer]) => [id, direction(layer.weight.size, phase + id)]))
    const directions = new Map([...layers].map(([id, layer]) => [id, tf.tensor(v.get(id)!, layer.weight.shape) as Tensor]))
    const { objective, gradients } = gradientOfTangentObjective(tf, network.graph, layers, directions, imageTensor(tf, batch.data, batch.shape), { batchnorm: true }, (output, tangent) =>
      crossEntropyTangent(tf, output, tangent!, batch.labels, batch.classes),
    )
    result = { derivative: objective, hv: gradients, v }
  })
  return result
}

const smallCases = [
  { name: 'the 1-conv network', network: tinyNetwork, batch: tinyBatch },
  { name: 'the strided network (avg and max pool)', network: stridedNetwork, batch: stridedBatch },
  { name: 'an imported graph (grouped conv, hardswish, clip, max pool, hardsigmoid, c / x, pad, flatten)', network: importedNetwork, batch: () => imageBatch([2, 3, 8, 8], 3) },
]
// tfjs-cpu takes half a minute per full-width NB201 pass: that network runs on tfjs-wasm only.
// The second sums three skips: a gradient that passes through a sum unchanged reaches several inputs (one freed tensor once).
const nb201Cases = ['|nor_conv_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|skip_connect~0|none~1|nor_conv_3x3~2|', '|none~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|skip_connect~1|skip_connect~2|'].map((arch) => ({
  name: `NB201 ${arch} at batch 2`,
  network: () => nb201Network(arch),
  batch: () => imageBatch([2, 3, 32, 32], 10),
}))

describe.each([
  { backend: 'tfjs-wasm', cases: [...smallCases, ...nb201Cases] },
  { backend: 'tfjs-cpu', cases: smallCases },
] as const)('forward-mode derivatives on $backend', ({ backend, cases }) => {
  let runtime: TfjsRuntime
  beforeAll(async () => {
    runtime = await loadProxyRuntime(backend)
  })

  it.each(cases)('the derivative of the loss along v is grad L . v on $name', ({ network, batch }) => {
    const net = network()
    const input = batch()
    const { derivative, v } = derivativeAlong(runtime, net, input, 0.4)
    const gradients = lossGradients(runtime, net, input)
    const nodes = net.parameters.layers.map((layer) => layer.node)
    let dot = 0
    let scale = 0
    gradients.forEach(({ gradient }, k) => {
      const vk = v.get(nodes[k])!
      for (let i = 0; i < gradient.length; i++) (dot += gradient[i] * vk[i]), (scale += Math.abs(gradient[i] * vk[i]))
    })
    expect(scale).toBeGreaterThan(0)
    expect(Math.abs(derivative - dot)).toBeLessThan(2e-5 * scale)
  })

  it.each(cases)('the Hessian by segments is symmetric on $name: w . Hv = v . Hw', ({ network, batch }) => {
    const net = network()
    const input = batch()
    const first = derivativeAlong(runtime, net, input, 0.4)
    const second = derivativeAlong(runtime, net, input, 2.1)
    let wHv = 0
    let vHw = 0
    let scale = 0
    for (const [id, hv] of first.hv) {
      const hw = second.hv.get(id)!
      const v = first.v.get(id)!
      const w = second.v.get(id)!
      for (let i = 0; i < hv.length; i++) (wHv += w[i] * hv[i]), (vHw += v[i] * hw[i]), (scale += Math.abs(w[i] * hv[i]))
    }
    expect(scale).toBeGreaterThan(0)
    expect(Math.abs(wHv - vHw)).toBeLessThan(1e-4 * scale)
  })
})
