/**
 * ECharts options as pure functions of the data (testable without a browser). The Chart
 * component only applies them; selection is drawn as a second series so it survives re-rendering.
 */
import type { EChartsCoreOption } from './echarts.ts'

/** Colours of the workbench charts (viridis-like ramp for continuous values). */
export const RAMP = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725']
const POINT = '#3b6ea8'
const SELECTED = '#d1495b'
const NAN_POINT = '#8a8f98'

/**
 * Tooltips are drawn in the canvas: ECharts' HTML tooltip writes its content with inline style
 * attributes, which the renderer's Content-Security-Policy (style-src without 'unsafe-inline') blocks.
 */
export const TOOLTIP_RENDER_MODE = 'richText'

/**
 * Room between the data and the plot frame on value axes. Without it the extreme points sit on the
 * frame (a 'nice' axis limit can equal a data value), where a brush dragged from the frame's corner
 * misses them and they are half hidden.
 */
export const AXIS_PADDING: [string, string] = ['5%', '5%']

/** Above this many points a coloured scatter is drawn as colour bins in large mode (about 4x faster). */
export const LARGE_POINTS = 5000
const BINS = 9

/** The ramp's colour at t in [0, 1], linearly between its stops. */
export function rampColour(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1)
  const i = Math.min(RAMP.length - 2, Math.floor(x))
  const f = x - i
  const channel = (hex: string, k: number): number => parseInt(hex.slice(1 + 2 * k, 3 + 2 * k), 16)
  const mix = [0, 1, 2].map((k) => Math.round(channel(RAMP[i], k) * (1 - f) + channel(RAMP[i + 1], k) * f))
  return `#${mix.map((v) => v.toString(16).padStart(2, '0')).join('')}`
}

/** One point: x, y, an optional colour value and its row index in the page's data. */
export interface ScatterPoint {
  x: number
  y: number
  color: number | null
  index: number
}

/** What a scatter shows. */
export interface ScatterSpec {
  xName: string
  yName: string
  points: readonly ScatterPoint[]
  /** Row indices selected anywhere on the page. */
  selected: ReadonlySet<number>
  /** Name of the colour dimension (e.g. log10 parameters); null: one colour. */
  colorName: string | null
  /**
   * The value a colour stands for, to label the ends of the colour bar; default: the value itself
   * (3 significant digits). A log-scale colour passes 10^v, so the bar reads in counts.
   */
  colorFormat?: (value: number) => string
  title?: string
  /** Small multiple: no toolbox legend, smaller points. */
  compact?: boolean
  /**
   * Architectures with an accuracy but no x (a NaN score), drawn as a grey strip left of the data
   * at their accuracy: where they sit in accuracy is what dropping them hides.
   */
  nanPoints?: ReadonlyArray<{ y: number; index: number }>
}

/** Rows as ECharts wants them: [x, y, colour, index]. */
function rows(points: readonly ScatterPoint[]): Array<[number, number, number | null, number]> {
  return points.map((p) => [p.x, p.y, p.color, p.index])
}

/** A scatter with a rectangle brush, tooltips and, when given, a continuous colour scale. */
export function scatterOption(spec: ScatterSpec): EChartsCoreOption {
  const colours = spec.points.map((p) => p.color).filter((c): c is number => c !== null)
  const hasColour = spec.colorName !== null && colours.length > 0
  const binned = hasColour && spec.points.length > LARGE_POINTS
  const anySelected = spec.selected.size > 0
  const size = (spec.compact ? 4 : 6) + (spec.points.length < 200 ? 3 : 0)
  const min = hasColour ? colours.reduce((a, b) => Math.min(a, b)) : 0
  const max = hasColour ? colours.reduce((a, b) => Math.max(a, b)) : 1
  const colorFormat = spec.colorFormat ?? ((value: number) => String(Number(value.toPrecision(3))))
  const base = { type: 'scatter', symbolSize: size, progressive: 0, encode: { x: 0, y: 1, tooltip: [0, 1] } }
  // Render everything in one pass (progressive: 0): progressive chunks make a brush or export see half a plot.
  const points = binned
    ? colourBins(spec.points, min, max).map((bin) => ({ ...base, name: 'architectures', data: rows(bin.points), large: true, itemStyle: { color: bin.colour, opacity: anySelected ? 0.35 : 0.8 }, emphasis: { disabled: true } }))
    : [{ ...base, name: 'architectures', data: rows(spec.points), large: !hasColour && spec.points.length > LARGE_POINTS, itemStyle: { color: POINT, opacity: anySelected ? 0.35 : 0.8 }, emphasis: { disabled: spec.points.length > LARGE_POINTS } }]
  const strip = nanStripRows(spec.points, spec.nanPoints ?? [])
  const nanSeries = strip.length === 0 ? [] : [{ ...base, name: 'NaN (not ranked)', data: strip, encode: { x: 0, y: 1, tooltip: [1] }, itemStyle: { color: NAN_POINT, opacity: anySelected ? 0.35 : 0.7 }, emphasis: { disabled: strip.length > LARGE_POINTS } }]
  return {
    animation: false,
    title: spec.title ? { text: spec.title, left: 'center', top: 0, textStyle: { fontSize: 12, fontWeight: 600 } } : undefined,
    grid: { left: 56, right: 20, top: spec.title ? 28 : 40, bottom: 44 },
    tooltip: { trigger: 'item', confine: true, renderMode: TOOLTIP_RENDER_MODE },
    toolbox: spec.compact ? undefined : { right: 16, top: 0, feature: { brush: { type: ['rect', 'clear'], title: { rect: 'Select a region', clear: 'Clear selection' } } } },
    brush: { toolbox: ['rect', 'clear'], xAxisIndex: 0, yAxisIndex: 0, throttleType: 'debounce', throttleDelay: 100, brushStyle: { color: 'rgba(209,73,91,0.08)', borderColor: SELECTED } },
    // axisLine.onZero off: with the padding an axis range can include 0, and the other axis line
    // must stay on the frame rather than move into the plot.
    xAxis: { type: 'value', name: spec.xName, nameLocation: 'middle', nameGap: 26, scale: true, boundaryGap: AXIS_PADDING, axisLine: { onZero: false }, splitLine: { lineStyle: { color: '#e4e7ec' } } },
    yAxis: { type: 'value', name: spec.yName, nameLocation: 'middle', nameGap: 40, scale: true, boundaryGap: AXIS_PADDING, axisLine: { onZero: false }, splitLine: { lineStyle: { color: '#e4e7ec' } } },
    // Horizontal above the plot, the name and the low end's value on its left, the high end's on its
    // right, so it never covers points. For bins it only shows the scale: its seriesIndex names no
    // series, the bins carry their own colours.
    visualMap: hasColour
      ? { type: 'continuous', dimension: 2, seriesIndex: binned ? [] : 0, min, max, orient: 'horizontal', left: 56, top: 4, itemWidth: 10, itemHeight: 140, text: [colorFormat(max), `${spec.colorName}: ${colorFormat(min)}`], textGap: 8, precision: 2, inRange: { color: RAMP }, calculable: false }
      : undefined,
    series: [
      ...points,
      ...nanSeries,
      {
        type: 'scatter',
        name: 'selected',
        data: [...rows(spec.points.filter((p) => spec.selected.has(p.index))), ...strip.filter((row) => spec.selected.has(row[3]))],
        symbolSize: size + 3,
        itemStyle: { color: SELECTED, borderColor: '#fff', borderWidth: 1 },
        encode: { x: 0, y: 1, tooltip: [0, 1] },
        z: 3,
      },
    ],
  }
}

/**
 * Rows [x, y, null, index] of the NaN strip: centred 12% of the data's x span left of its
 * smallest x, each point jittered within +-3% of the span by its index (golden-ratio sequence,
 * so the same architecture always sits at the same place and the strip shows a density).
 */
export function nanStripRows(points: readonly ScatterPoint[], nan: ReadonlyArray<{ y: number; index: number }>): Array<[number, number, null, number]> {
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (const p of points) {
    min = Math.min(min, p.x)
    max = Math.max(max, p.x)
  }
  if (!Number.isFinite(min)) [min, max] = [0, 1]
  const span = max > min ? max - min : Math.abs(min) || 1
  const centre = min - 0.12 * span
  return nan.map((p) => [centre + (((p.index * 0.6180339887) % 1) - 0.5) * 0.06 * span, p.y, null, p.index])
}

/** Points split into equal-width colour bins (points without a colour go to the first). */
export function colourBins(points: readonly ScatterPoint[], min: number, max: number): Array<{ colour: string; points: ScatterPoint[] }> {
  const bins = Array.from({ length: BINS }, (_, i) => ({ colour: rampColour((i + 0.5) / BINS), points: [] as ScatterPoint[] }))
  const width = max > min ? (max - min) / BINS : 1
  for (const p of points) bins[p.color === null ? 0 : Math.min(BINS - 1, Math.floor((p.color - min) / width))].points.push(p)
  return bins
}

/** Rows whose point lies inside a brushed rectangle [[x0, x1], [y0, y1]] (data coordinates). */
export function pointsInRange(points: readonly ScatterPoint[], range: readonly [readonly [number, number], readonly [number, number]]): number[] {
  const [[x0, x1], [y0, y1]] = range
  return points.filter((p) => p.x >= Math.min(x0, x1) && p.x <= Math.max(x0, x1) && p.y >= Math.min(y0, y1) && p.y <= Math.max(y0, y1)).map((p) => p.index)
}

/** One cell of a sweep heatmap. */
export interface HeatCell {
  low: number
  high: number
  value: number | null
}

/** What a sweep heatmap shows. */
export interface HeatmapSpec {
  cells: readonly HeatCell[]
  metricName: string
  /** Value range of the colour scale (NaN fraction: 0..1; correlations: -1..1). */
  min: number
  max: number
  /** Exponents of the highlighted (automatic) pair. */
  chosen: readonly [number, number] | null
  /** Lower is better (NaN fraction): reverse the ramp so good is always the same colour. */
  lowerIsBetter: boolean
}

/** Heatmap over the exponent grid: low exponent on y, high exponent on x, the chosen pair outlined. */
export function heatmapOption(spec: HeatmapSpec): EChartsCoreOption {
  const lows = [...new Set(spec.cells.map((c) => c.low))].sort((a, b) => a - b)
  const highs = [...new Set(spec.cells.map((c) => c.high))].sort((a, b) => a - b)
  const data = spec.cells.map((c) => {
    const chosen = spec.chosen !== null && spec.chosen[0] === c.low && spec.chosen[1] === c.high
    return {
      value: [highs.indexOf(c.high), lows.indexOf(c.low), c.value ?? '-'],
      itemStyle: chosen ? { borderColor: '#111', borderWidth: 3 } : undefined,
      label: { show: true, formatter: `${c.value === null ? 'n/a' : c.value.toFixed(2)}${chosen ? ' ★' : ''}`, fontSize: 10, fontWeight: chosen ? 700 : 400 },
    }
  })
  const ramp = spec.lowerIsBetter ? [...RAMP].reverse() : RAMP
  return {
    animation: false,
    tooltip: { position: 'top', renderMode: TOOLTIP_RENDER_MODE },
    grid: { left: 64, right: 24, top: 16, bottom: 96 },
    xAxis: { type: 'category', name: 'high weight 10^b', nameLocation: 'middle', nameGap: 28, data: highs.map((h) => `1e${h}`), splitArea: { show: true } },
    yAxis: { type: 'category', name: 'low weight 10^a', nameLocation: 'middle', nameGap: 48, data: lows.map((l) => `1e${l}`), splitArea: { show: true } },
    visualMap: { type: 'continuous', min: spec.min, max: spec.max, orient: 'horizontal', left: 'center', bottom: 8, itemWidth: 12, itemHeight: 200, text: [spec.metricName, ''], inRange: { color: ramp }, calculable: false },
    series: [{ type: 'heatmap', name: spec.metricName, data, emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } } }],
  }
}
