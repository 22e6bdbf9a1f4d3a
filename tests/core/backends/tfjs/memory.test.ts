import { beforeAll, describe, expect, test } from 'vitest'
import { loadTfjs, runGraphTfjs, type TfjsRuntime } from '../../../../src/main/core/backends/tfjs/index.ts'
import { elementCount } from '../../../../src/main/core/ir/graph.ts'
import { everyOpGraph, PORTABLE_BACKENDS, wavyInput } from './helpers.ts'

describe.each(PORTABLE_BACKENDS)('runGraphTfjs memory on %s', (backend) => {
  let runtime: TfjsRuntime
  beforeAll(async () => {
    runtime = await loadTfjs(backend)
  })

  test('should leave no tensor behind over 50 runs of a graph using every op', () => {
    const graph = everyOpGraph()
    const input = wavyInput(elementCount(graph.nodes[graph.input].shape))
    runGraphTfjs(runtime, graph, input, 1) // warm-up: backends may allocate once on first use
    const before = runtime.tf.memory().numTensors
    for (let i = 0; i < 50; i++) runGraphTfjs(runtime, graph, input, i % 2 === 0 ? 1 : 1e-7)
    expect(runtime.tf.memory().numTensors).toBe(before)
  })
})
