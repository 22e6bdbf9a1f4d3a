import { beforeAll, describe, expect, test } from 'vitest'
import { loadTfjs, runGraphTfjs, type TfjsRuntime } from '../../../src/main/core/backends/tfjs/index.ts'
import { runGraphTs } from '../../../src/main/core/backends/ts/interpreter.ts'
import { BufferPool, type Precision, type PrecisionArrays } from '../../../src/main/core/backends/ts/pool.ts'
import { epsilonFromOutputs } from '../../../src/main/core/epsilon/index.ts'
import { GraphBuilder } from '../../../src/main/core/ir/builder.ts'
import type { Graph } from '../../../src/main/core/ir/graph.ts'
import { buildNetwork, prepareNetwork, scorePrepared, type NetworkSpec, type PreparedNetwork } from '../../../src/main/core/scoring/index.ts'
import { greySource, type Minibatch } from '../../../src/main/data/index.ts'
import type { WeightPair } from '../../../src/shared/types.ts'

/**
 * engine.md "Float fidelity": at the default pair [1e-7, 1] every NB201 arch without a parameter-free
 * path from the cell input to its output is NaN, because each ReLU-conv-BN layer scales activations
 * by ~1e-10 and fifteen cells in series fall below float32's smallest subnormal: every logit is
 * exactly 0, the output is constant, epsilon is NaN. In float64 the same logits are ~1e-169 and the
 * arch gets a finite (meaningless) score. So the engines must store float32, and this file shows
 * both halves: NaN on both float32 engines, and non-constant outputs with float64 storage.
 */

const SPEC: NetworkSpec = { space: 'nb201', dataset: 'cifar10', batchSize: 8 }
const SHAPE = [8, 3, 32, 32] as const
const DEFAULT_PAIR: WeightPair = [1e-7, 1]
const ALL_CONV = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'
/** Same cell but edge 0->3 is skip_connect: a parameter-free path from input to output. */
const SKIP_03 = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'
/** float32's smallest positive subnormal, 2^-149. */
const F32_MIN_SUBNORMAL = 2 ** -149

/** Every buffer the typed-array engine allocates, by constructor name. */
class RecordingPool<P extends Precision = 'float32'> extends BufferPool<P> {
  readonly kinds = new Set<string>()
  override take(length: number): PrecisionArrays[P] {
    const buffer = super.take(length)
    this.kinds.add(buffer.constructor.name)
    return buffer
  }
}

describe('float32 fidelity on NB201 at the default pair [1e-7, 1]', () => {
  let runtime: TfjsRuntime
  let minibatch: Minibatch
  const collapsed = new Map<string, PreparedNetwork>()
  const full = new Map<string, PreparedNetwork>()
  beforeAll(async () => {
    runtime = await loadTfjs('tfjs-wasm')
    minibatch = await greySource.load(SHAPE, 0)
    for (const arch of [ALL_CONV, SKIP_03]) {
      const network = buildNetwork(arch, SPEC, 'literal')
      collapsed.set(arch, prepareNetwork(network, minibatch, 'collapsed'))
      full.set(arch, prepareNetwork(network, minibatch, 'full'))
    }
  })

  const runTs = (g: Graph, x: Float32Array, w: number): Float32Array => runGraphTs(g, x, w)

  test('the all-nor_conv_3x3 arch should be NaN (constant all-zero output) on the collapsed engine', () => {
    const prepared = collapsed.get(ALL_CONV) as PreparedNetwork
    const logits = prepared.fullOutput(runGraphTs(prepared.graph, prepared.input, 1e-7))
    expect(logits.every((v) => v === 0)).toBe(true)
    const score = scorePrepared(prepared, DEFAULT_PAIR, runTs)
    expect(score.value).toBeNaN()
    expect(score.nanReason).toBe('outputs-constant')
  })

  test('the all-nor_conv_3x3 arch should be NaN (constant all-zero output) on the full-width tfjs-wasm engine', () => {
    const prepared = full.get(ALL_CONV) as PreparedNetwork
    const logits = runGraphTfjs(runtime, prepared.graph, prepared.input, 1e-7)
    expect(logits.length).toBe(8 * 10)
    expect(logits.every((v) => v === 0)).toBe(true)
    const score = scorePrepared(prepared, DEFAULT_PAIR, (g, x, w) => runGraphTfjs(runtime, g, x, w))
    expect(score.value).toBeNaN()
    expect(score.nanReason).toBe('outputs-constant')
  })

  test('the arch with a skip path input -> output should be finite on both engines, and they agree', () => {
    const onTs = scorePrepared(collapsed.get(SKIP_03) as PreparedNetwork, DEFAULT_PAIR, runTs)
    const onTfjs = scorePrepared(full.get(SKIP_03) as PreparedNetwork, DEFAULT_PAIR, (g, x, w) => runGraphTfjs(runtime, g, x, w))
    expect(onTs.nanReason).toBeNull()
    expect(onTfjs.nanReason).toBeNull()
    expect(Number.isFinite(onTs.value) && onTs.value > 0).toBe(true)
    // Same tolerance as tests/core/engine/agreement.test.ts.
    expect(Math.abs(onTs.value - onTfjs.value)).toBeLessThanOrEqual(1e-4 * Math.max(onTs.value, onTfjs.value) + 2.5e-5)
  })

  test('the default typed-array engine should store every tensor as a Float32Array', () => {
    const prepared = collapsed.get(SKIP_03) as PreparedNetwork
    const pool = new RecordingPool()
    const out = runGraphTs(prepared.graph, prepared.input, 1e-7, pool)
    expect(out).toBeInstanceOf(Float32Array)
    expect([...pool.kinds]).toEqual(['Float32Array'])
  })

  describe('with float64 storage (test-only BufferPool mode), as a float64 implementation would compute', () => {
    const float64 = (): RecordingPool<'float64'> => new RecordingPool({ precision: 'float64' })

    test('should store every tensor as a Float64Array', () => {
      const prepared = collapsed.get(ALL_CONV) as PreparedNetwork
      const pool = float64()
      const out = runGraphTs(prepared.graph, prepared.input, 1e-7, pool)
      expect(out).toBeInstanceOf(Float64Array)
      expect([...pool.kinds]).toEqual(['Float64Array'])
    })

    test('should give the all-conv arch non-constant logits far below float32 range: the NaN is float32 underflow', () => {
      const prepared = collapsed.get(ALL_CONV) as PreparedNetwork
      const out = runGraphTs(prepared.graph, prepared.input, 1e-7, float64())
      const values = [...out]
      expect(values.every(Number.isFinite)).toBe(true)
      const max = Math.max(...values)
      const min = Math.min(...values)
      // Not constant: min-max normalisation is defined, so epsilon would not be NaN...
      expect(max).toBeGreaterThan(min)
      // ...yet every logit is below half of float32's smallest subnormal, so float32 rounds it to 0.
      expect(max).toBeLessThan(F32_MIN_SUBNORMAL / 2)
      expect(values.every((v) => Math.fround(v) === 0)).toBe(true)
    })

    test('would score the all-conv arch as finite (the reference gives NaN): float64 storage is a bug', () => {
      const prepared = collapsed.get(ALL_CONV) as PreparedNetwork
      // epsilonFromOutputs is float32; min-max normalisation is scale-free, so normalise the float64
      // logits in float64 first (as a float64 implementation would) and hand over values in [0, 1].
      const normalised = DEFAULT_PAIR.map((w) => {
        const out = runGraphTs(prepared.graph, prepared.input, w, float64())
        let min = Infinity
        let max = -Infinity
        for (const v of out) {
          min = Math.min(min, v)
          max = Math.max(max, v)
        }
        return prepared.fullOutput(Float32Array.from(out, (v) => (v - min) / (max - min)))
      })
      const score = epsilonFromOutputs(normalised[0], normalised[1])
      expect(score.nanReason).toBeNull()
      expect(Number.isFinite(score.value)).toBe(true)
    })

    test('should otherwise compute the same network: finite-arch logits match float32 to float32 precision', () => {
      const prepared = collapsed.get(SKIP_03) as PreparedNetwork
      for (const w of [1e-7, 1]) {
        const f64 = runGraphTs(prepared.graph, prepared.input, w, float64())
        const f32 = runGraphTs(prepared.graph, prepared.input, w)
        expect(f64.length).toBe(f32.length)
        expect(f32.some((v) => v !== 0)).toBe(true)
        f32.forEach((v, i) => expect(Math.abs(v - f64[i]), `w = ${w}, logit ${i}: ${v} vs ${f64[i]}`).toBeLessThanOrEqual(1e-4 * Math.abs(f64[i])))
      }
    })
  })
})

describe('subnormals are kept, not flushed to zero', () => {
  // A subnormal input through avg-pool, ReLU and a sum: every result is a nonzero subnormal.
  const b = new GraphBuilder()
  const x = b.input([1, 1, 2, 2])
  const pool = b.add({ kind: 'avgpool', kernel: 2, stride: 2, pad: 0, countIncludePad: true }, [x], 'pool')
  const relu = b.add({ kind: 'relu' }, [pool], 'relu')
  const graph = b.build(b.add({ kind: 'add' }, [relu, pool], 'sum'))
  const input = Float32Array.from([1e-40, 2e-40, 3e-40, 4e-40])
  // (1e-40 + 2e-40 + 3e-40 + 4e-40) / 4 = 2.5e-40, doubled by the sum.
  const expected = Math.fround(2 * Math.fround(Math.fround(1e-40 + 2e-40 + 3e-40 + 4e-40) / 4))

  test('on the typed-array kernels', () => {
    const out = runGraphTs(graph, input, 1)
    expect(out[0]).toBeGreaterThan(0)
    expect(out[0]).toBeLessThan(2 ** -126)
    expect(Math.abs(out[0] - expected)).toBeLessThanOrEqual(2 * F32_MIN_SUBNORMAL)
  })

  test('on tfjs-wasm', async () => {
    const out = runGraphTfjs(await loadTfjs('tfjs-wasm'), graph, input, 1)
    expect(out[0]).toBeGreaterThan(0)
    expect(out[0]).toBeLessThan(2 ** -126)
    expect(Math.abs(out[0] - expected)).toBeLessThanOrEqual(2 * F32_MIN_SUBNORMAL)
  })
})
