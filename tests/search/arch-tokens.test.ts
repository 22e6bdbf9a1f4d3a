import { describe, expect, test } from 'vitest'
import { archTokens, SEARCHABLE_SPACES } from '../../src/main/search/arch-tokens.ts'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { editDistanceNeighbours } from '../../src/main/search/index.ts'

describe('arch tokens: the one-token mutation of each searchable space', () => {
  test('NB201: the six edges in arch-string order; one edge changed is distance 1 (the reference mutation)', () => {
    const tokens = archTokens('nb201')!
    expect(tokens('|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2|')).toEqual([
      'nor_conv_3x3~0', 'none~0', 'skip_connect~1', 'avg_pool_3x3~0', 'nor_conv_1x1~1', 'none~2',
    ])
    const archs = Array.from({ length: 15625 }, (_, i) => nb201ArchAt(i))
    const neighbours = editDistanceNeighbours(archs, tokens)
    expect(neighbours(0).length).toBe(24)
    expect(neighbours(12345).length).toBe(24)
  })

  test('natssss: the five channel counts; other spaces have none', () => {
    expect(archTokens('natssss')!('8:16:24:32:64')).toEqual(['8', '16', '24', '32', '64'])
    expect(archTokens('nb101')).toBeNull()
    expect(SEARCHABLE_SPACES).toEqual(['nb201', 'natssss'])
  })
})
