import { describe, expect, test } from 'vitest'
import { runGraphTs } from '../../../src/main/core/backends/ts/interpreter.ts'
import { BufferPool } from '../../../src/main/core/backends/ts/pool.ts'
import { scoreOfConstantFirstOutput } from '../../../src/main/core/epsilon/index.ts'
import { provablyFinite } from '../../../src/main/core/ir/bound.ts'
import { SeededRandom } from '../../../src/main/core/random.ts'
import { buildNetwork, prepareNetwork, scorePrepared } from '../../../src/main/core/scoring/index.ts'
import { getSpace } from '../../../src/main/core/spaces/registry.ts'
import { NB201_SIZE, nb201ArchAt } from '../../../src/main/core/spaces/nb201/index.ts'
import { loadMinibatch, runScoreTask } from '../../../src/main/jobs/score-task.ts'
import { minibatchBound } from '../../../src/main/data/index.ts'
import type { SpaceId, WeightPair } from '../../../src/shared/types.ts'

/**
 * A worker skips the second forward pass of a pair when the first output is constant and the second
 * provably finite (jobs/score-task.ts). The score must be the one both passes give, bit for bit and
 * reason for reason; and the skip must really happen on these samples, or the test proves nothing.
 */
async function compare(space: SpaceId, dataset: 'cifar10', archs: string[], weights: WeightPair): Promise<{ skipped: number; nan: number }> {
  const config = { space, dataset, input: 'grey', inputSeed: 0, batchSize: 8, engine: { engine: 'collapsed', backend: 'ts' } } as const
  const results = await runScoreTask({ config, weights, pairs: [[0, 1]], items: archs.map((arch) => ({ arch, form: 'literal' as const, pairs: [0] })) })
  const batch = await loadMinibatch(config)
  const pool = new BufferPool()
  const run = (graph: Parameters<typeof runGraphTs>[0], input: Float32Array, weight: number): Float32Array => runGraphTs(graph, input, weight, pool)
  let skipped = 0
  let nan = 0
  archs.forEach((arch, i) => {
    const network = buildNetwork(arch, { space, dataset, batchSize: 8 }, 'literal')
    const prepared = prepareNetwork(network, batch, 'collapsed')
    const both = scorePrepared(prepared, weights, run)
    const result = results[i]
    if (!result.ok) throw new Error(`${arch}: ${result.error.message}`)
    expect({ arch, epsilon: result.scores[0].epsilon, reason: result.scores[0].nanReason }).toEqual({ arch, epsilon: both.nanReason === null ? both.value : null, reason: both.nanReason })
    const first = prepared.fullOutput(run(prepared.graph, prepared.input, weights[0]))
    const decidedByFirst = scoreOfConstantFirstOutput(first) !== null && provablyFinite(network, weights[1], minibatchBound(batch))
    // The worker ran one pass exactly where the first output decided the score.
    expect({ arch, passes: result.passes }).toEqual({ arch, passes: decidedByFirst ? 1 : 2 })
    if (decidedByFirst) skipped++
    if (both.nanReason !== null) nan++
  })
  return { skipped, nan }
}

describe('a constant first output decides the pair without the second pass (same scores)', () => {
  test('NB201 at [1e-7, 1]: every arch without a parameter-free path skips, and every score is the two-pass one', async () => {
    const archs = new SeededRandom(9).sampleWithoutReplacement(NB201_SIZE, 60).map(nb201ArchAt)
    const { skipped, nan } = await compare('nb201', 'cifar10', archs, [1e-7, 1])
    expect(skipped).toBeGreaterThan(10)
    expect(skipped).toBe(nan)
  })

  test('NB101 at [1e-4, 10]: the same scores, skipped or not', async () => {
    const archs = getSpace('nb101').sample(12, 3)
    await compare('nb101', 'cifar10', archs, [1e-4, 10])
  })
})
