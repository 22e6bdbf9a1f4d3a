import { beforeAll, describe, expect, test } from 'vitest'
import { loadTfjs, runGraphTfjs, type TfjsRuntime } from '../../../../src/main/core/backends/tfjs/index.ts'
import { runGraphTs } from '../../../../src/main/core/backends/ts/interpreter.ts'
import { elementCount, type Graph } from '../../../../src/main/core/ir/graph.ts'
import { buildNb201Network } from '../../../../src/main/core/spaces/nb201/network.ts'
import { everyOpGraph, expectRelClose, wavyInput } from './helpers.ts'

const ARCH = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|'
const REL = 1e-4

function inputFor(graph: Graph): Float32Array {
  return wavyInput(elementCount(graph.nodes[graph.input].shape))
}

describe('runGraphTfjs across backends', () => {
  let wasm: TfjsRuntime
  let cpu: TfjsRuntime
  beforeAll(async () => {
    wasm = await loadTfjs('tfjs-wasm')
    cpu = await loadTfjs('tfjs-cpu')
  })

  describe('on a graph using every op', () => {
    test.each([1, 1e-7, 10])('should agree with the typed-array reference interpreter at w = %s', (w) => {
      const graph = everyOpGraph()
      const input = inputFor(graph)
      const reference = runGraphTs(graph, input, w)
      expectRelClose(runGraphTfjs(wasm, graph, input, w), reference, REL)
      expectRelClose(runGraphTfjs(cpu, graph, input, w), reference, REL)
    })
  })

  describe('on a real NAS-Bench-201 network (batch 4, 16x16, 10 classes)', () => {
    const graph = buildNb201Network(ARCH, { batchSize: 4, imageSize: 16, classes: 10, form: 'literal' })
    const input = inputFor(graph)

    test.each([1, 1e-7])('should give finite, per-row constant logits on wasm and cpu that agree at w = %s', (w) => {
      const onWasm = runGraphTfjs(wasm, graph, input, w)
      const onCpu = runGraphTfjs(cpu, graph, input, w)
      expect(onWasm.length).toBe(4 * 10)
      for (const out of [onWasm, onCpu]) {
        expect(out.every(Number.isFinite)).toBe(true)
        // Constant weights: every class of a row sees the same sum.
        for (let n = 0; n < 4; n++) expect(new Set(out.subarray(n * 10, n * 10 + 10)).size).toBe(1)
      }
      // Rows differ (the input does), so the check above is not vacuous.
      expect(new Set([0, 1, 2, 3].map((n) => onWasm[n * 10])).size).toBeGreaterThan(1)
      expectRelClose(onWasm, onCpu, REL)
      expectRelClose(onWasm, runGraphTs(graph, input, w), REL)
    })
  })

  test('should switch tfjs to each runtime\'s own backend', () => {
    const graph = everyOpGraph()
    const input = inputFor(graph)
    runGraphTfjs(cpu, graph, input, 1)
    expect(cpu.tf.getBackend()).toBe('cpu')
    runGraphTfjs(wasm, graph, input, 1)
    expect(wasm.tf.getBackend()).toBe('wasm')
  })
})
