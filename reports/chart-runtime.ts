import type { ChartConfiguration } from 'chart.js'

/**
 * What a chart spec cannot say as data: tick labels of log axes at 1, 2 and 5 of each decade (only the
 * powers of ten when the axis spans more than four), in one fixed locale. Both renderers apply it: the
 * PNG renderer calls it, and the HTML page inlines its source, so it must stay self-contained (no
 * imports, no outside names).
 */
export function decorateChart(config: ChartConfiguration): ChartConfiguration {
  const scales = (config.options?.scales ?? {}) as Record<string, { type?: string; ticks?: object }>
  for (const scale of Object.values(scales)) {
    if (scale.type !== 'logarithmic') continue
    scale.ticks = {
      ...scale.ticks,
      callback(this: { min: number; max: number }, value: number | string): string {
        const v = Number(value)
        if (!(v > 0)) return ''
        const decade = 10 ** Math.floor(Math.log10(v) + 1e-9)
        const lead = Math.round((v / decade) * 1e6) / 1e6
        const decades = Math.log10(this.max / Math.max(this.min, 1e-12))
        const shown = decades > 4 ? [1] : [1, 2, 5]
        return shown.includes(lead) ? v.toLocaleString('en-US') : ''
      },
    }
  }
  return config
}
