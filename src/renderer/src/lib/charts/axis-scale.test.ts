import { describe, expect, test } from 'vitest'
import { scaleAxis } from './axis-scale.ts'
import type { ScatterPoint } from './options.ts'

const at = (xs: number[]): ScatterPoint[] => xs.map((x, index) => ({ x, y: 80 + index, color: null, index }))

describe('scaleAxis', () => {
  test('value leaves the points and the name as they are', () => {
    const points = at([3, 1, 2])
    expect(scaleAxis('fisher', points, 'value')).toEqual({ title: 'fisher', points })
    expect(scaleAxis('fisher', points, 'value').points).toBe(points)
  })

  test('rank: percentile of each x among the plotted points, ties sharing their mean, y and index kept', () => {
    // Ranks 4, 1.5, 1.5, 3 of 4: (rank - 0.5) / 4 * 100.
    const { title, points } = scaleAxis('fisher', at([1e40, -5, -5, 2]), 'rank')
    expect(title).toBe('fisher (percentile rank)')
    expect(points.map((p) => p.x)).toEqual([87.5, 25, 25, 62.5])
    expect(points.map((p) => [p.y, p.index])).toEqual([[80, 0], [81, 1], [82, 2], [83, 3]])
  })

  test('symlog: sign(x) log10(1 + |x| / c), c the smallest non-zero |x| of the untransformed points, named in the title', () => {
    const { title, points } = scaleAxis('fisher', at([0, 2.5e-4, -2.5e-4, 2.5e-2, 2.5e2]), 'symlog')
    expect(title).toBe('fisher (symlog, c = 2.5e-4)')
    const expected = [0, Math.log10(2), -Math.log10(2), Math.log10(101), Math.log10(1 + 1e6)]
    points.forEach((p, i) => expect(p.x).toBeCloseTo(expected[i], 12))
    expect(scaleAxis('fisher', at([0, 0]), 'symlog').points.map((p) => p.x)).toEqual([0, 0])
    expect(scaleAxis('fisher', at([1e-6, 1e4]), 'symlog').title).toBe('fisher (symlog, c = 1e-6)')
  })
})
