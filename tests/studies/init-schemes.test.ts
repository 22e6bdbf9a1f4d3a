import { describe, expect, it } from 'vitest'
import { getSpace } from '../../src/main/core/spaces/registry.ts'
import { INIT_SCHEMES, initialiseParameters, type LayerParameters } from '../../src/main/proxies/parameters.ts'

/**
 * The initialisation schemes of the paper's Table 9, as the reference's ablation notebook
 * (NAS-Bench-201/Ablations.ipynb) sets them: the conv weights by the scheme with PyTorch's defaults
 * (uniform_ U[0, 1); normal_ N(0, 1); kaiming_uniform_ fan_in with gain sqrt(2): U(+-sqrt(6 / fan_in));
 * kaiming_normal_ fan_out, relu: N(0, 2 / fan_out); orthogonal_ gain 1), every linear layer N(0, 0.01)
 * with bias 0, BatchNorm gamma 1 and beta 0.
 */
const ARCH = '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_3x3~1|nor_conv_1x1~2|'
const graph = () => getSpace('nb201').buildNetwork(ARCH, { dataset: 'cifar10', batchSize: 2, form: 'literal' })

function moments(values: Float32Array | Float64Array): { mean: number; variance: number; min: number; max: number } {
  let sum = 0
  let squares = 0
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (const v of values) {
    sum += v
    squares += v * v
    min = Math.min(min, v)
    max = Math.max(max, v)
  }
  const mean = sum / values.length
  return { mean, variance: squares / values.length - mean * mean, min, max }
}

/** Every conv weight of the network as one sample (the schemes scale per layer: normalised by `scale`). */
function pooled(layers: readonly LayerParameters[], scale: (layer: LayerParameters) => number): Float64Array {
  const convs = layers.filter((l) => l.kind === 'conv')
  const out = new Float64Array(convs.reduce((sum, l) => sum + l.weight.length, 0))
  let at = 0
  for (const layer of convs) {
    const s = scale(layer)
    for (const w of layer.weight) out[at++] = w / s
  }
  return out
}

/** Every weight's float32 bits, layer after layer (a cheap exact comparison of 300,000 values). */
function bytesOf(layers: readonly LayerParameters[]): Buffer {
  return Buffer.concat(layers.map((l) => Buffer.from(l.weight.buffer, l.weight.byteOffset, l.weight.byteLength)))
}

const fanIn = (l: LayerParameters): number => l.weightShape.slice(1).reduce((a, b) => a * b, 1)
const fanOut = (l: LayerParameters): number => l.weightShape[0] * l.weightShape.slice(2).reduce((a, b) => a * b, 1)

describe('the init schemes of paper Table 9', () => {
  it('lists the five schemes of the reference notebook', () => {
    expect(INIT_SCHEMES).toEqual(['uniform', 'normal', 'kaiming-uniform', 'kaiming-normal', 'orthogonal'])
  })

  it('sets every linear layer to N(0, 0.01) with bias 0 under every scheme', () => {
    for (const scheme of INIT_SCHEMES) {
      const linear = initialiseParameters(graph(), 3, scheme).layers.filter((l) => l.kind === 'linear')
      expect(linear).toHaveLength(1)
      expect(Array.from(linear[0].bias ?? [])).toEqual(new Array(10).fill(0))
      const { mean, variance } = moments(linear[0].weight)
      // 640 draws: the standard deviation to within 10%, the mean well inside 3 sigma / sqrt(640).
      expect(Math.abs(Math.sqrt(variance) / 0.01 - 1)).toBeLessThan(0.1)
      expect(Math.abs(mean)).toBeLessThan(0.0015)
    }
  })

  it('draws the conv weights from the scheme\'s distribution', () => {
    const uniform = moments(pooled(initialiseParameters(graph(), 1, 'uniform').layers, () => 1))
    expect(uniform.min).toBeGreaterThanOrEqual(0)
    expect(uniform.max).toBeLessThan(1)
    expect(Math.abs(uniform.mean - 0.5)).toBeLessThan(0.01)
    expect(Math.abs(uniform.variance - 1 / 12)).toBeLessThan(0.003)

    const normal = moments(pooled(initialiseParameters(graph(), 1, 'normal').layers, () => 1))
    expect(Math.abs(normal.mean)).toBeLessThan(0.02)
    expect(Math.abs(normal.variance - 1)).toBeLessThan(0.03)

    const kaimingUniformLayers = initialiseParameters(graph(), 1, 'kaiming-uniform').layers
    for (const layer of kaimingUniformLayers.filter((l) => l.kind === 'conv')) {
      const { min, max } = moments(layer.weight)
      expect(Math.max(-min, max)).toBeLessThanOrEqual(Math.sqrt(6 / fanIn(layer)))
    }
    // Scaled to U(-1, 1): variance 1/3.
    expect(Math.abs(moments(pooled(kaimingUniformLayers, (l) => Math.sqrt(6 / fanIn(l)))).variance - 1 / 3)).toBeLessThan(0.01)

    const kaimingNormal = moments(pooled(initialiseParameters(graph(), 1, 'kaiming-normal').layers, (l) => Math.sqrt(2 / fanOut(l))))
    expect(Math.abs(kaimingNormal.variance - 1)).toBeLessThan(0.03)
  })

  it('makes each orthogonal conv weight, flattened to [out, in * kh * kw], have orthonormal rows or columns', () => {
    for (const layer of initialiseParameters(graph(), 5, 'orthogonal').layers.filter((l) => l.kind === 'conv')) {
      const rows = layer.weightShape[0]
      const cols = layer.weight.length / rows
      // The smaller side is orthonormal: W W^T = I (rows <= cols) or W^T W = I.
      const [count, length, at] = rows <= cols ? [rows, cols, (v: number, k: number) => layer.weight[v * cols + k]] : [cols, rows, (v: number, k: number) => layer.weight[k * cols + v]]
      for (let a = 0; a < count; a++) {
        for (let b = a; b < Math.min(count, a + 3); b++) {
          let dot = 0
          for (let k = 0; k < length; k++) dot += at(a, k) * at(b, k)
          expect(dot, `${layer.weightShape} (${a}, ${b})`).toBeCloseTo(a === b ? 1 : 0, 5)
        }
      }
    }
  })

  it('is fixed by its seed, and two seeds give two initialisations', () => {
    for (const scheme of INIT_SCHEMES) {
      const first = bytesOf(initialiseParameters(graph(), 0, scheme).layers)
      expect(bytesOf(initialiseParameters(graph(), 0, scheme).layers).equals(first)).toBe(true)
      expect(bytesOf(initialiseParameters(graph(), 1, scheme).layers).equals(first)).toBe(false)
    }
  })

  it('keeps PyTorch\'s default initialisation (the proxies\') as the default, value for value', () => {
    expect(bytesOf(initialiseParameters(graph(), 9, 'pytorch-default').layers).equals(bytesOf(initialiseParameters(graph(), 9).layers))).toBe(true)
  })
})
