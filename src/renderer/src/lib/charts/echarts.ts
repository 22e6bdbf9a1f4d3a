/** ECharts with only the parts the workbench draws (keeps the bundle small): scatter, heatmap, line (search curves), canvas and SVG. */
import { HeatmapChart, LineChart, ScatterChart } from 'echarts/charts'
import { BrushComponent, GridComponent, LegendComponent, TitleComponent, ToolboxComponent, TooltipComponent, VisualMapComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers'

echarts.use([ScatterChart, HeatmapChart, LineChart, LegendComponent, GridComponent, TooltipComponent, VisualMapComponent, BrushComponent, ToolboxComponent, TitleComponent, CanvasRenderer, SVGRenderer])

export { echarts }
export type { ECharts, EChartsCoreOption } from 'echarts/core'
