import { createCanvas } from '@napi-rs/canvas'
import { Chart, registerables, type ChartConfiguration, type ChartItem, type Plugin } from 'chart.js'
import type { ChartSpec } from './chart-specs.js'
import { decorateChart } from './chart-runtime.js'

Chart.register(...registerables)

/** Pixels per chart unit in the PNGs: sharp on slides and high-density screens. */
export const PNG_SCALE = 2

/** A canvas starts transparent; documents and slides want the chart on white. */
const whiteBackground: Plugin = {
  id: 'delbench-white-background',
  beforeDraw(chart) {
    const { ctx } = chart
    ctx.save()
    ctx.globalCompositeOperation = 'destination-over'
    ctx.fillStyle = '#ffffff'
    ctx.fillRect(0, 0, chart.width, chart.height)
    ctx.restore()
  },
}

/** Renders one chart to PNG bytes without a browser: chart.js drawing on a native canvas. */
export async function renderPng(spec: ChartSpec): Promise<Uint8Array> {
  const canvas = createCanvas(spec.width * PNG_SCALE, spec.height * PNG_SCALE)
  // chart.js writes into its configuration: each rendering gets its own copy.
  const config = decorateChart(structuredClone(spec.config) as ChartConfiguration)
  config.options = { ...config.options, responsive: false, animation: false, devicePixelRatio: PNG_SCALE }
  config.plugins = [...(config.plugins ?? []), whiteBackground]
  // chart.js sizes itself from the canvas it is given; @napi-rs/canvas has no DOM, so it is told the size.
  const chart = new Chart(canvas as unknown as ChartItem, config)
  try {
    chart.resize(spec.width, spec.height)
    chart.draw()
    return await canvas.encode('png')
  } finally {
    chart.destroy()
  }
}
