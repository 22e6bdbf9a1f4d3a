import { beforeAll, describe, expect, test } from 'vitest'
import { runGraphTs } from '../../../src/main/core/backends/ts/interpreter.ts'
import { BufferPool } from '../../../src/main/core/backends/ts/pool.ts'
import type { FloatArray } from '../../../src/main/core/backends/ts/kernels.ts'
import { GraphBuilder } from '../../../src/main/core/ir/builder.ts'
import type { Graph } from '../../../src/main/core/ir/graph.ts'
import { magnitudeBound, provablyFinite } from '../../../src/main/core/ir/bound.ts'
import { SeededRandom } from '../../../src/main/core/random.ts'
import { buildNetwork, prepareNetwork, type NetworkSpec } from '../../../src/main/core/scoring/index.ts'
import { NB201_SIZE, buildNb201Network, enumerateNb201, nb201ArchAt } from '../../../src/main/core/spaces/nb201/index.ts'
import { greySource, normalSource, type Minibatch } from '../../../src/main/data/index.ts'

/**
 * magnitudeBound / provablyFinite (ir/bound.ts) decide when the canonical (pruned) form may replace
 * the literal network: only while no inf/NaN can occur. A bound that is too small would let a
 * real `inf * 0 = NaN` be pruned away, so the main property is soundness: the actual |value| of
 * every node never exceeds it.
 */

const ALL_CONV = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'
const ALL_NONE = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'
const ALL_SKIP = '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|'
const ALL_POOL = '|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|'
/** Skip-heavy: cell output = 4x its input plus a conv term, so activations grow ~1000x per stage. */
const SKIP_HEAVY = '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|'

/** Grey input lies in [0, 1). */
const GREY_BOUND = 1

/** Records the largest |value| of every tensor the interpreter releases (every intermediate is released once, after its last use). */
class MaxRecordingPool extends BufferPool {
  max = 0
  override give(buffer: FloatArray): void {
    for (let i = 0; i < buffer.length; i++) {
      const v = Math.abs(buffer[i])
      // NaN compares false: record it as Infinity so it can never hide.
      this.max = v <= this.max ? this.max : Number.isNaN(v) ? Infinity : v
    }
    super.give(buffer)
  }
}

function maxAbs(values: ArrayLike<number>): number {
  let max = 0
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i])
    max = v <= max ? max : Number.isNaN(v) ? Infinity : v
  }
  return max
}

/** Largest |value| over every node the run computes (intermediates, output and input). */
function observedMax(graph: Graph, input: Float32Array, weight: number): number {
  const pool = new MaxRecordingPool()
  const out = runGraphTs(graph, input, weight, pool)
  return Math.max(pool.max, maxAbs(out), maxAbs(input))
}

describe('magnitudeBound on NAS-Bench-201 literal networks', () => {
  test('should prove every one of the 15,625 networks finite at w = 1e-7 and w = 1 (cifar10, batch 256)', () => {
    const spec: NetworkSpec = { space: 'nb201', dataset: 'cifar10', batchSize: 256 }
    const refused: string[] = []
    for (const arch of enumerateNb201()) {
      const graph = buildNetwork(arch, spec, 'literal')
      for (const w of [1e-7, 1]) if (!provablyFinite(graph, w, GREY_BOUND)) refused.push(`${arch} at ${w}`)
    }
    expect(refused).toEqual([])
  })

  test('should be finite at w = 10 except for cells of parameter-free paths plus one conv, whose activations really reach ~4e16', async () => {
    // At w = 10 each cell made only of skip/avg-pool edges multiplies its input by up to 4 (no BN),
    // and the residual shortcuts by w * C: real activations reach ~4e16 (measured) for the 128 archs
    // that combine such cells with a single nor_conv_3x3, and BN squares them (~1.6e33, float32 max
    // 3.4e38): refusing to prove them finite is right. Every other arch is provable.
    const spec: NetworkSpec = { space: 'nb201', dataset: 'cifar10', batchSize: 8 }
    const sample = new SeededRandom(10).sampleWithoutReplacement(NB201_SIZE, 300).map(nb201ArchAt)
    let refused = 0
    for (const arch of [ALL_CONV, ALL_NONE, ALL_SKIP, ALL_POOL, ...sample]) {
      if (provablyFinite(buildNetwork(arch, spec, 'literal'), 10, GREY_BOUND)) continue
      refused++
      expect(arch, `refused at w = 10: ${arch}`).not.toContain('none')
      expect(arch.match(/nor_conv/g)?.length, `refused at w = 10: ${arch}`).toBe(1)
    }
    expect(refused).toBeLessThanOrEqual(10)
    const heavy = buildNetwork(SKIP_HEAVY, spec, 'literal')
    expect(provablyFinite(heavy, 10, GREY_BOUND)).toBe(false)
    const prepared = prepareNetwork(heavy, await greySource.load([8, 3, 32, 32], 0), 'collapsed')
    expect(observedMax(prepared.graph, prepared.input, 10)).toBeGreaterThan(1e16)
  })

  test('should be Infinity at w = 1e4 for the all-conv arch, which provablyFinite reports as false', () => {
    const graph = buildNetwork(ALL_CONV, { space: 'nb201', dataset: 'cifar10', batchSize: 8 }, 'literal')
    expect(magnitudeBound(graph, 1e4, GREY_BOUND)).toBe(Number.POSITIVE_INFINITY)
    expect(provablyFinite(graph, 1e4, GREY_BOUND)).toBe(false)
    expect(Number.isFinite(magnitudeBound(graph, 1, GREY_BOUND))).toBe(true)
  })

  test('should grow with the weight and with the input bound', () => {
    const graph = buildNetwork(ALL_CONV, { space: 'nb201', dataset: 'cifar10', batchSize: 8 }, 'literal')
    const bounds = [1e-7, 1e-3, 1, 10, 100].map((w) => magnitudeBound(graph, w, GREY_BOUND))
    // The input itself is a node: below w ~ 1e-2 its bound (1) is the largest.
    expect(bounds[0] / GREY_BOUND).toBeCloseTo(1, 3) // up to the per-op rounding margin
    for (let i = 1; i < bounds.length; i++) expect(bounds[i]).toBeGreaterThanOrEqual(bounds[i - 1])
    expect(bounds[3]).toBeGreaterThan(100 * bounds[2])
    expect(magnitudeBound(graph, 1e-7, 1e6)).toBeGreaterThanOrEqual(1e6)
  })
})

describe('the bound is never exceeded by an actual forward pass', () => {
  const SPEC: NetworkSpec = { space: 'nb201', dataset: 'cifar10', batchSize: 8 }
  const SHAPE = [8, 3, 32, 32] as const
  const WEIGHTS = [1e-7, 1e-3, 1, 10, 100]
  const archs = [ALL_CONV, ALL_NONE, ALL_SKIP, ALL_POOL, SKIP_HEAVY, ...new SeededRandom(11).sampleWithoutReplacement(NB201_SIZE, 8).map(nb201ArchAt)]
  const inputs: { name: string; minibatch?: Minibatch }[] = [{ name: 'grey' }, { name: 'normal' }]
  beforeAll(async () => {
    inputs[0].minibatch = await greySource.load(SHAPE, 0)
    inputs[1].minibatch = await normalSource.load(SHAPE, 5)
  })

  test.each(archs)('over every node of %s (collapsed run, grey and normal input, w from 1e-7 to 100)', (arch) => {
    const literal = buildNetwork(arch, SPEC, 'literal')
    let checked = 0
    for (const { name, minibatch } of inputs) {
      const mb = minibatch as Minibatch
      const inputBound = maxAbs(mb.data)
      const prepared = prepareNetwork(literal, mb, 'collapsed')
      for (const w of WEIGHTS) {
        const bound = magnitudeBound(literal, w, inputBound)
        // The collapsed graph carries the original channel counts as multiplicities: same bound.
        expect(magnitudeBound(prepared.graph, w, inputBound)).toBe(bound)
        if (!Number.isFinite(bound)) continue
        const observed = observedMax(prepared.graph, prepared.input, w)
        expect(observed, `${name} input, w = ${w}: observed ${observed} > bound ${bound}`).toBeLessThanOrEqual(bound)
        checked++
      }
    }
    // At least w = 1e-7, 1e-3 and 1 on both inputs are provable for every arch.
    expect(checked).toBeGreaterThanOrEqual(6)
  })

  test('node by node on a small full-width network (prefix sub-graphs), for several archs and weights', () => {
    // 4 channels, one cell per stage, 8x8 images, batch 4: every prefix of the graph is cheap to run.
    // For the prefix ending at node i, magnitudeBound is the largest bound of nodes 0..i, and the
    // prefix's output is node i itself.
    const input = normalInput(4 * 3 * 8 * 8)
    const inputBound = maxAbs(input)
    for (const arch of [ALL_CONV, SKIP_HEAVY, '|nor_conv_1x1~0|+|avg_pool_3x3~0|none~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|']) {
      const graph = buildNb201Network(arch, { batchSize: 4, imageSize: 8, classes: 10, channels: 4, cellsPerStage: 1, form: 'literal' })
      for (const w of [1e-7, 1, 10]) {
        for (const node of graph.nodes) {
          if (node.id === graph.input) continue
          const prefix: Graph = { nodes: graph.nodes.slice(0, node.id + 1), input: graph.input, output: node.id }
          const bound = magnitudeBound(prefix, w, inputBound)
          expect(Number.isFinite(bound)).toBe(true)
          const observed = maxAbs(runGraphTs(prefix, input, w))
          expect(observed, `${arch} w = ${w} ${node.label}: observed ${observed} > bound ${bound}`).toBeLessThanOrEqual(bound)
        }
      }
    }
  })

  test('is attained to within a factor 2 by train-mode BN on a single outlier (the worst case the BN rule covers)', () => {
    // M values, one of them 1 and the rest 0: the outlier's BN output is w * sqrt(M - 1) (up to eps),
    // which the rule bounds by 2 * w * sqrt(M - 1).
    const b = new GraphBuilder()
    const x = b.input([4, 1, 4, 4])
    const graph = b.build(b.add({ kind: 'batchnorm', eps: 1e-5 }, [x], 'bn'))
    const input = new Float32Array(64)
    input[17] = 1
    // w >= 1 so that the BN node, not the input (bound 1), has the largest bound.
    for (const w of [1, 10, 100]) {
      const bound = magnitudeBound(graph, w, 1)
      expect(bound / (2 * w * Math.sqrt(63))).toBeCloseTo(1, 3) // up to the per-op rounding margin
      const observed = maxAbs(runGraphTs(graph, input, w))
      expect(observed).toBeLessThanOrEqual(bound)
      expect(observed).toBeGreaterThan(0.49 * bound)
    }
  })
})

/** Standard-normal values from a fixed seed. */
function normalInput(length: number): Float32Array {
  const random = new SeededRandom(42)
  return Float32Array.from({ length }, () => random.nextNormal())
}
