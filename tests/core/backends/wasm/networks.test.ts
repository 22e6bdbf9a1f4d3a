import { describe, expect, test } from 'vitest'
import { runGraphTs } from '../../../../src/main/core/backends/ts/interpreter.ts'
import { BufferPool } from '../../../../src/main/core/backends/ts/pool.ts'
import { createWasmHeap } from '../../../../src/main/core/backends/wasm/heap.ts'
import { buildNetwork, prepareNetwork } from '../../../../src/main/core/scoring/index.ts'
import { getSpace } from '../../../../src/main/core/spaces/registry.ts'
import { loadMinibatch } from '../../../../src/main/jobs/score-task.ts'
import type { InputSource, SpaceId } from '../../../../src/shared/types.ts'
import { describeDifference } from './helpers.ts'

/**
 * Whole networks, collapsed as the product scores them: the output of every sampled arch, at both
 * weights of the space's default pair and at 1 (where fewer outputs underflow to 0), is the same bits
 * on the wasm kernels as on the TS kernels. Small batches keep the file at a few seconds; the kernels
 * do not depend on the batch size beyond the plane counts the kernel tests cover.
 */

const tsPool = new BufferPool({ heap: null })
const heap = createWasmHeap()
const wasmPool = new BufferPool({ heap })

async function expectSameOutputs(space: SpaceId, count: number, seed: number, batchSize: number, input: InputSource): Promise<void> {
  expect(heap, 'this Node has no WebAssembly SIMD').not.toBeNull()
  const definition = getSpace(space)
  const dataset = definition.datasets[0]
  const spec = { space, dataset, batchSize }
  const minibatch = await loadMinibatch({ space, dataset, input, inputSeed: 0, batchSize })
  const weights = [...new Set([...definition.defaultWeights, 1])]
  for (const arch of definition.sample(count, seed)) {
    const prepared = prepareNetwork(buildNetwork(arch, spec, 'pruned'), minibatch, 'collapsed')
    for (const weight of weights) {
      const reference = runGraphTs(prepared.graph, prepared.input, weight, tsPool)
      const candidate = runGraphTs(prepared.graph, prepared.input, weight, wasmPool)
      expect(describeDifference(reference, candidate), `${space} ${arch} at ${weight}`).toBe('identical')
    }
  }
}

describe('whole networks: wasm kernels give the TS kernels bits', () => {
  test('300 NB201 archs (grey input, batch 8) and 8 at batch 256', async () => {
    await expectSameOutputs('nb201', 300, 14, 8, 'grey')
    await expectSameOutputs('nb201', 8, 15, 256, 'grey')
  })

  test('100 NB201 archs on a uniform random input (every channel its own, so several stored channels)', async () => {
    await expectSameOutputs('nb201', 100, 16, 8, 'uniform')
  })

  test('100 NB101 specs (grey input, batch 8)', async () => {
    await expectSameOutputs('nb101', 100, 14, 8, 'grey')
  })

  test('20 NB-NLP recepies (batch 4)', async () => {
    await expectSameOutputs('nbnlp', 20, 14, 4, 'grey')
  })
})
