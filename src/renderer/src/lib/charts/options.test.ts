import { describe, expect, test } from 'vitest'
import { heatmapOption, nanStripRows, pointsInRange, rampColour, scatterOption, type ScatterPoint } from './options.ts'

const POINTS: ScatterPoint[] = [
  { x: 0.1, y: 70, color: 0.2, index: 0 },
  { x: 0.5, y: 90, color: 1.1, index: 1 },
  { x: 0.9, y: 80, color: null, index: 2 },
]

type Series = Array<{ data: unknown[][] }>

describe('scatterOption', () => {
  test('should draw every point once and the selection again on top', () => {
    const option = scatterOption({ xName: 'epsilon', yName: 'accuracy', points: POINTS, selected: new Set([1]), colorName: 'log10 params' })
    const series = option.series as Series
    expect(series[0].data).toEqual([[0.1, 70, 0.2, 0], [0.5, 90, 1.1, 1], [0.9, 80, null, 2]])
    expect(series[1].data).toEqual([[0.5, 90, 1.1, 1]])
  })

  test('should add a colour scale over the known colour values only when asked', () => {
    const coloured = scatterOption({ xName: 'x', yName: 'y', points: POINTS, selected: new Set(), colorName: 'log10 params' })
    expect(coloured.visualMap).toMatchObject({ dimension: 2, min: 0.2, max: 1.1 })
    expect(scatterOption({ xName: 'x', yName: 'y', points: POINTS, selected: new Set(), colorName: null }).visualMap).toBeUndefined()
  })

  test('should label both ends of the colour bar with the values they stand for (a log scale shows the counts, not their logs)', () => {
    const plain = scatterOption({ xName: 'x', yName: 'y', points: POINTS, selected: new Set(), colorName: 'c' })
    expect(plain.visualMap).toMatchObject({ text: ['1.1', 'c: 0.2'] })
    const logScale = scatterOption({ xName: 'x', yName: 'y', points: POINTS, selected: new Set(), colorName: 'params (M, log scale)', colorFormat: (v) => (10 ** v).toPrecision(2) })
    expect(logScale.visualMap).toMatchObject({ min: 0.2, max: 1.1, text: ['13', 'params (M, log scale): 1.6'] })
  })
})

describe('scatterOption and heatmapOption under the renderer CSP', () => {
  test('should draw tooltips in the canvas, not as HTML with inline styles the CSP blocks', () => {
    const scatter = scatterOption({ xName: 'x', yName: 'y', points: POINTS, selected: new Set(), colorName: null })
    const heat = heatmapOption({ cells: [{ low: -3, high: 0, value: 0.1 }], metricName: 'NaN', min: 0, max: 1, chosen: null, lowerIsBetter: true })
    expect(scatter.tooltip).toMatchObject({ renderMode: 'richText' })
    expect(heat.tooltip).toMatchObject({ renderMode: 'richText' })
  })
})

describe('scatterOption axes', () => {
  test('should pad both value axes so no point sits on the plot frame (a brush from the corner catches it)', () => {
    const option = scatterOption({ xName: 'x', yName: 'y', points: POINTS, selected: new Set(), colorName: null })
    for (const axis of [option.xAxis, option.yAxis] as Array<{ boundaryGap?: unknown; axisLine?: { onZero?: boolean } }>) {
      const gap = axis.boundaryGap as [string, string]
      expect(gap.map((g) => parseFloat(g))).toEqual([expect.any(Number), expect.any(Number)])
      expect(Math.min(...gap.map((g) => parseFloat(g)))).toBeGreaterThan(0)
      // The padded range may contain 0: the axis lines stay on the frame.
      expect(axis.axisLine?.onZero).toBe(false)
    }
  })
})

describe('pointsInRange', () => {
  test('should return the rows inside a brushed rectangle, whichever way it was dragged', () => {
    expect(pointsInRange(POINTS, [[0, 0.6], [60, 95]])).toEqual([0, 1])
    expect(pointsInRange(POINTS, [[0.6, 0], [95, 75]])).toEqual([1])
  })
})

describe('heatmapOption', () => {
  test('should place pairs on the exponent grid and outline the chosen one', () => {
    const option = heatmapOption({ cells: [{ low: -2, high: 0, value: 0.5 }, { low: -2, high: 1, value: 0 }, { low: 0, high: 1, value: null }], metricName: 'NaN fraction', min: 0, max: 1, chosen: [-2, 1], lowerIsBetter: true })
    const data = (option.series as Array<{ data: Array<{ value: unknown[]; itemStyle?: unknown }> }>)[0].data
    expect(data.map((d) => d.value)).toEqual([[0, 0, 0.5], [1, 0, 0], [1, 1, '-']])
    expect(data[1].itemStyle).toMatchObject({ borderWidth: 3 })
    expect(data[0].itemStyle).toBeUndefined()
  })
})

describe('colour bins of large scatters', () => {
  test('should draw more than 5,000 coloured points as large-mode bins, each point once, selection last', () => {
    const many: ScatterPoint[] = Array.from({ length: 6000 }, (_, i) => ({ x: i, y: i % 100, color: (i % 90) / 10, index: i }))
    const option = scatterOption({ xName: 'x', yName: 'y', points: many, selected: new Set([5]), colorName: 'c' })
    const series = option.series as Array<{ name: string; data: unknown[][]; large?: boolean }>
    const bins = series.filter((s) => s.name === 'architectures')
    expect(bins.every((s) => s.large)).toBe(true)
    expect(bins.reduce((n, s) => n + s.data.length, 0)).toBe(6000)
    expect(series.at(-1)).toMatchObject({ name: 'selected', data: [[5, 5, 0.5, 5]] })
  })

  test('should interpolate the ramp between its stops', () => {
    expect(rampColour(0)).toBe('#440154')
    expect(rampColour(1)).toBe('#fde725')
  })
})

describe('the NaN strip', () => {
  const nan = [{ y: 95, index: 7 }, { y: 60, index: 8 }]

  test('should place architectures without an x in a strip left of the data, at their accuracy, within 12% +- 3% of the x span', () => {
    const rows = nanStripRows(POINTS, nan)
    expect(rows.map((r) => [r[1], r[2], r[3]])).toEqual([[95, null, 7], [60, null, 8]])
    // x span 0.8 from 0.1: the strip is centred at 0.1 - 0.096.
    for (const [x] of rows) {
      expect(x).toBeGreaterThanOrEqual(0.1 - 0.096 - 0.024)
      expect(x).toBeLessThanOrEqual(0.1 - 0.096 + 0.024)
    }
    expect(nanStripRows([], nan).every(([x]) => Number.isFinite(x))).toBe(true)
  })

  test('should draw the strip as its own series before the selection, and only when there are such architectures', () => {
    const option = scatterOption({ xName: 'epsilon', yName: 'accuracy', points: POINTS, selected: new Set([8]), colorName: null, nanPoints: nan })
    const series = option.series as Array<{ name: string; data: unknown[][] }>
    expect(series.map((s) => s.name)).toEqual(['architectures', 'NaN (not ranked)', 'selected'])
    expect(series[1].data.map((r) => r[3])).toEqual([7, 8])
    expect(series[2].data.map((r) => r[3])).toEqual([8])
    const without = scatterOption({ xName: 'epsilon', yName: 'accuracy', points: POINTS, selected: new Set(), colorName: null, nanPoints: [] })
    expect((without.series as Array<{ name: string }>).map((s) => s.name)).toEqual(['architectures', 'selected'])
  })
})
