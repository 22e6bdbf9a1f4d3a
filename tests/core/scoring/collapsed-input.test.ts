import { describe, expect, test } from 'vitest'
import { collapseInput } from '../../../src/main/core/passes/collapse.ts'
import { buildNetwork, prepareNetwork } from '../../../src/main/core/scoring/index.ts'
import { loadMinibatch } from '../../../src/main/jobs/score-task.ts'

/**
 * prepareNetwork makes a minibatch's collapsed input once and hands every arch the same array (a copy per
 * arch was 1 MB of garbage at NB201's batch of 256); it must still be exactly collapseInput's result,
 * per minibatch and per partition (grey: one stored channel; uniform: three).
 */
describe('the collapsed input of a minibatch', () => {
  const network = { space: 'nb201', dataset: 'cifar10', batchSize: 4 } as const
  const archs = ['|nor_conv_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|nor_conv_1x1~1|skip_connect~2|', '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|']

  test('is made once per minibatch: every arch gets the same array, equal to collapseInput of the minibatch', async () => {
    for (const input of ['grey', 'uniform'] as const) {
      const batch = await loadMinibatch({ ...network, input, inputSeed: 0 })
      const partition = batch.channelsIdentical ? [batch.shape[1]] : [1, 1, 1]
      const [first, second] = archs.map((arch) => prepareNetwork(buildNetwork(arch, network, 'literal'), batch, 'collapsed'))
      expect(second.input, input).toBe(first.input)
      expect(Array.from(first.input), input).toEqual(Array.from(collapseInput(batch.data, batch.shape, partition)))
    }
  })

  test('another minibatch (another seed) gets its own', async () => {
    const a = await loadMinibatch({ ...network, input: 'uniform', inputSeed: 1 })
    const b = await loadMinibatch({ ...network, input: 'uniform', inputSeed: 2 })
    const [pa, pb] = [a, b].map((batch) => prepareNetwork(buildNetwork(archs[0], network, 'literal'), batch, 'collapsed'))
    expect(pb.input).not.toBe(pa.input)
    expect(Array.from(pb.input)).toEqual(Array.from(collapseInput(b.data, b.shape, [1, 1, 1])))
  })
})
