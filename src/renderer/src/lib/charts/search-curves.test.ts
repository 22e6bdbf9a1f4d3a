import { describe, expect, test } from 'vitest'
import type { SearchVariantView } from '../../../../shared/api.ts'
import { searchCurvesOption } from './search-curves.ts'

const variant = (name: string, median: number[], q25: number[], q75: number[]): SearchVariantView => ({ name, algorithm: 'random', warmup: 'none', move: 'none', curve: { median, q25, q75 }, final: { median: median[median.length - 1], q25: q25[q25.length - 1], q75: q75[q75.length - 1] } })

describe('the search study plot', () => {
  test('per variant a q25 base, the q75 - q25 band stacked on it and the median line, all in one colour; x is trained models 1..n', () => {
    const option = searchCurvesOption([variant('random', [90, 91], [89, 90.5], [90.5, 91.5]), variant('evolution', [90, 92], [90, 91], [91, 93])]) as {
      series: Array<{ name: string; stack?: string; data: number[]; itemStyle: { color: string }; areaStyle?: unknown }>
      xAxis: { data: number[] }
      yAxis: { min: number; max: number }
    }
    expect(option.series.map((s) => [s.name, s.stack ?? null, s.data])).toEqual([
      ['random', 'band-0', [89, 90.5]],
      ['random', 'band-0', [1.5, 1]],
      ['random', null, [90, 91]],
      ['evolution', 'band-1', [90, 91]],
      ['evolution', 'band-1', [1, 2]],
      ['evolution', null, [90, 92]],
    ])
    expect(new Set(option.series.slice(0, 3).map((s) => s.itemStyle.color)).size).toBe(1)
    expect(option.series[0].itemStyle.color).not.toBe(option.series[3].itemStyle.color)
    expect(option.series.filter((s) => s.areaStyle !== undefined)).toHaveLength(2)
    expect(option.xAxis.data).toEqual([1, 2])
    expect([option.yAxis.min, option.yAxis.max]).toEqual([89, 93])
  })
})
