/** ECharts with only the parts the workbench draws (keeps the bundle small): scatter, heatmap, canvas and SVG. */
import { HeatmapChart, ScatterChart } from 'echarts/charts'
import { BrushComponent, GridComponent, TitleComponent, ToolboxComponent, TooltipComponent, VisualMapComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers'

echarts.use([ScatterChart, HeatmapChart, GridComponent, TooltipComponent, VisualMapComponent, BrushComponent, ToolboxComponent, TitleComponent, CanvasRenderer, SVGRenderer])

export { echarts }
export type { ECharts, EChartsCoreOption } from 'echarts/core'
