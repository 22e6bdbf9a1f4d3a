/**
 * The search study's plot as the paper draws Figure 3: best accuracy found against trained models,
 * one median line per variant with its interquartile band. Pure: testable without a browser.
 */
import type { SearchVariantView } from '../../../../shared/api.ts'
import type { EChartsCoreOption } from './echarts.ts'
import { TOOLTIP_RENDER_MODE } from './options.ts'

const COLOURS = ['#3b6ea8', '#d1495b', '#2a9d8f', '#e9a23b', '#7b4fa8', '#5c6b73', '#8ab17d', '#c8553d']

/** Per variant: an invisible q25 line, the q75 - q25 band stacked on it, and the median line. */
export function searchCurvesOption(variants: readonly SearchVariantView[]): EChartsCoreOption {
  const steps = variants[0]?.curve.median.length ?? 0
  const all = variants.flatMap((v) => [...v.curve.q25, ...v.curve.q75])
  const series = variants.flatMap((variant, i) => {
    const colour = COLOURS[i % COLOURS.length]
    const band = `band-${i}`
    // All three carry the variant's colour: the legend shows the first series of a name.
    const itemStyle = { color: colour }
    return [
      { name: variant.name, type: 'line', stack: band, data: variant.curve.q25, symbol: 'none', itemStyle, lineStyle: { opacity: 0 }, tooltip: { show: false }, silent: true, emphasis: { disabled: true } },
      { name: variant.name, type: 'line', stack: band, data: variant.curve.q75.map((q75, step) => q75 - variant.curve.q25[step]), symbol: 'none', itemStyle, lineStyle: { opacity: 0 }, areaStyle: { color: colour, opacity: 0.12 }, tooltip: { show: false }, silent: true, emphasis: { disabled: true } },
      { name: variant.name, type: 'line', data: variant.curve.median, symbol: 'none', itemStyle, lineStyle: { color: colour, width: 2 } },
    ]
  })
  return {
    animation: false,
    tooltip: { trigger: 'axis', renderMode: TOOLTIP_RENDER_MODE, valueFormatter: (value: unknown) => (typeof value === 'number' ? value.toFixed(2) : String(value)) },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 56, right: 16, top: 16, bottom: 72 },
    xAxis: { type: 'category', name: 'trained models', nameLocation: 'middle', nameGap: 28, data: Array.from({ length: steps }, (_, step) => step + 1) },
    yAxis: { type: 'value', name: 'best accuracy (%)', min: all.length > 0 ? Math.floor(Math.min(...all)) : undefined, max: all.length > 0 ? Math.ceil(Math.max(...all)) : undefined },
    series,
  }
}
