import { describe, expect, test } from 'vitest'
import { ARCHS_PER_TURN, archParameterCounts } from '../../src/main/services/arch-parameters.ts'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'

describe('archParameterCounts', () => {
  test('counts each arch, and an arch that cannot be counted gets null and the first reason', async () => {
    const archs = ['|skip_connect~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|nor_conv_1x1~1|none~2|', '|conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|']
    const { counts, firstError } = await archParameterCounts('nb201', 'cifar100', archs)
    // Suite-Zero's params for the first arch on CIFAR-100: 0.621236 M.
    expect(counts).toEqual([621236, null])
    expect(firstError).toMatch(/conv_9x9/)
  })

  test('lets the event loop run between turns of ARCHS_PER_TURN archs, and not within one', async () => {
    const observe = async (count: number, offset: number): Promise<boolean> => {
      let finished = false
      let ranBeforeTheEnd = false
      setImmediate(() => (ranBeforeTheEnd = !finished))
      const archs = Array.from({ length: count }, (_, i) => nb201ArchAt(offset + i))
      const { counts } = await archParameterCounts('nb201', 'cifar10', archs)
      finished = true
      expect(counts.every((c) => c !== null && c > 0)).toBe(true)
      return ranBeforeTheEnd
    }
    expect(await observe(ARCHS_PER_TURN, 1000)).toBe(false)
    expect(await observe(ARCHS_PER_TURN + 1, 2000)).toBe(true)
  })
})
