import type { ChartConfiguration } from 'chart.js'
import { strategyLabel } from '../core/strategy-label.js'
import { worstStream, type ReportGroup, type ReportRow } from './report-model.js'

/**
 * One chart of a report: a chart.js configuration made of data only (no functions), so the same spec
 * is drawn in the browser page and rendered to PNG, and can be inlined as JSON.
 */
export interface ChartSpec {
  /** `<group id>-<chart>`: the PNG's file name and the canvas id. */
  readonly id: string
  /** The report group (table) it belongs to. */
  readonly group: string
  readonly title: string
  readonly width: number
  readonly height: number
  readonly config: ChartConfiguration
}

const WIDTH = 900
/** Tableau 10: distinct on screen and in print, and kind to most colour-blind readers. */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
]
const GREY = '#bbbbbb'

/** A run's name in a chart: a wrong or failed run says so, so its bar is never read as a result. */
function chartLabel(row: ReportRow): string {
  const status = row.run.status
  return status === 'ok' || status === 'timeout'
    ? row.label
    : `${row.label} (${status === 'wrong-result' ? 'WRONG' : status.toUpperCase()})`
}

/** A run's colour: fixed per label within a group, so a strategy looks the same in every chart. */
function colourOf(group: ReportGroup, row: ReportRow): string {
  if (row.run.status !== 'ok' && row.run.status !== 'timeout') return GREY
  const labels = [...new Set(group.rows.map((r) => r.run.strategy))].sort()
  return PALETTE[labels.indexOf(row.run.strategy) % PALETTE.length] as string
}

/**
 * Whose memory the chart shows, from the runs' own note (`client process, … engine included` or
 * `client process only; …`), said of the process running the strategy.
 */
function memorySubtitle(rows: readonly ReportRow[]): string | undefined {
  const note = rows.find((r) => r.run.memory)?.run.memory?.note
  return note?.replace(/^client process( only)?/, 'the process running the strategy')
}

const barHeight = (bars: number) => Math.round(Math.max(220, 90 + 30 * bars))

/** Options every chart shares: drawn at once (no animation), a fixed size, a title. */
export function baseOptions(title: string, subtitle?: string) {
  return {
    animation: false as const,
    responsive: false,
    devicePixelRatio: 1,
    plugins: {
      title: { display: true, text: title, font: { size: 16 } },
      ...(subtitle ? { subtitle: { display: true, text: subtitle } } : {}),
      legend: { display: true, position: 'bottom' as const },
    },
  }
}

/**
 * One figure per run, drawn as one bar each: in one colour per series (a measure: the legend names it),
 * or in each run's colour (a function: no legend, the bars are labelled by run).
 */
interface BarSeries {
  readonly label: string
  readonly value: (row: ReportRow) => number | null
  readonly colour?: string | ((row: ReportRow) => string)
}

/** Log scale only where the figures span more than a decade or so; bar lengths are honest otherwise. */
export function valueAxis(values: readonly number[], log: boolean, text: string) {
  const positive = values.filter((v) => v > 0)
  const low = Math.min(...positive)
  const high = Math.max(...positive)
  const ticks = { maxRotation: 0, autoSkip: true, autoSkipPadding: 14 }
  if (!log || positive.length === 0 || high / low < 20)
    return { type: 'linear' as const, min: 0, ticks, title: { display: true, text } }
  return {
    type: 'logarithmic' as const,
    // Bars start at a power of ten, so the axis reads in whole decades.
    // (A decade lower where the smallest figure sits on a power of ten: its bar would have no length.)
    min: 10 ** (Math.floor(Math.log10(low)) - (Number.isInteger(Math.log10(low)) ? 1 : 0)),
    ticks,
    title: { display: true, text: `${text} (log scale)` },
  }
}

/** A horizontal bar chart of one or more figures per run. */
function barChart(
  group: ReportGroup,
  chart: string,
  title: string,
  axis: string,
  rows: readonly ReportRow[],
  datasets: readonly BarSeries[],
  log: boolean,
  subtitle?: string,
): ChartSpec | undefined {
  const shown = rows.filter((r) => datasets.some((d) => (d.value(r) ?? 0) > 0))
  if (shown.length === 0) return undefined
  const height = barHeight(shown.length * Math.max(1, datasets.length * 0.6))
  // Where each run has one figure (a median or a projection), its bar takes the whole row.
  const exclusive = shown.every((r) => datasets.filter((d) => (d.value(r) ?? 0) > 0).length <= 1)
  const values = shown.flatMap((r) => datasets.map((d) => d.value(r) ?? 0))
  const legend = datasets.length > 1 && datasets.every((d) => typeof d.colour === 'string')
  return {
    group: group.id,
    id: `${group.id}-${chart}`,
    title,
    width: WIDTH,
    height,
    config: {
      type: 'bar',
      data: {
        labels: shown.map(chartLabel),
        datasets: datasets.map((d) => ({
          label: d.label,
          data: shown.map((r) => d.value(r)),
          backgroundColor:
            typeof d.colour === 'string'
              ? d.colour
              : shown.map((r) => (typeof d.colour === 'function' ? d.colour(r) : colourOf(group, r))),
          borderWidth: 0,
          grouped: !exclusive,
        })),
      },
      options: {
        ...baseOptions(title, subtitle),
        indexAxis: 'y',
        plugins: {
          ...baseOptions(title, subtitle).plugins,
          legend: { display: legend, position: 'bottom' },
        },
        // Every run keeps its label, however small the chart is drawn.
        scales: { x: valueAxis(values, log, axis), y: { ticks: { autoSkip: false } } },
      },
    },
  }
}

/** The lighter shade of a colour, for figures that are projections rather than measurements. */
const faded = (hex: string) => `${hex}66`

/** The charts of one group: time, statements, memory, progress, foreground latency, and sweeps. */
export function groupCharts(group: ReportGroup): ChartSpec[] {
  const rows = group.rows
  const timed = rows.filter((r) => r.run.timing || r.run.projection?.projectedMs)
  const charts: (ChartSpec | undefined)[] = [
    barChart(
      group,
      'time',
      `Median time — ${group.scenario} ×${group.scale}`,
      'milliseconds',
      timed,
      (
        [
          {
            label: 'median (correct runs)',
            value: (r) => (r.run.status === 'ok' ? (r.run.timing?.median ?? null) : null),
          },
          {
            label: 'projected (stopped at the budget)',
            value: (r) => (r.run.status === 'timeout' ? (r.run.projection?.projectedMs ?? null) : null),
            colour: (r) => faded(colourOf(group, r)),
          },
        ] satisfies BarSeries[]
      ).filter((d) => timed.some((r) => d.value(r) !== null)),
      true,
      'fastest first; pale: projected, stopped at the budget; wrong or failed runs are not timed',
    ),
    barChart(
      group,
      'statements',
      `Statements per iteration — ${group.scenario} ×${group.scale}`,
      'statements per iteration',
      rows,
      [{ label: 'statements', value: (r) => r.run.statements?.total ?? null }],
      true,
    ),
    barChart(
      group,
      'memory',
      `Peak client memory — ${group.scenario} ×${group.scale}`,
      'MiB',
      rows,
      [
        {
          label: 'peak RSS',
          value: (r) => (r.run.memory ? r.run.memory.peakRssBytes / 2 ** 20 : null),
          colour: '#3b5b7a',
        },
        {
          label: 'peak heap',
          value: (r) => (r.run.memory ? r.run.memory.peakHeapBytes / 2 ** 20 : null),
          colour: '#9db4cc',
        },
      ],
      false,
      memorySubtitle(rows),
    ),
    templateChart(group),
    progressChart(group),
    batchesChart(group),
    backlogChart(group),
    lagChart(group),
    barChart(
      group,
      'latency',
      `Foreground latency during the deletion — ${group.scenario} ×${group.scale}`,
      'milliseconds from each operation’s intended start',
      rows.filter((r) => worstStream(r.run)),
      [
        { label: 'p50', value: (r) => worstStream(r.run)?.p50Ms ?? null, colour: '#a0cbe8' },
        { label: 'p99', value: (r) => worstStream(r.run)?.p99Ms ?? null, colour: '#4e79a7' },
        { label: 'max', value: (r) => worstStream(r.run)?.maxMs ?? null, colour: '#1d2329' },
      ],
      true,
      'the worst traffic stream of each run',
    ),
    ...group.swept.flatMap((option) => sweepCharts(group, option)),
  ]
  return charts.filter((c): c is ChartSpec => c !== undefined)
}

/** Templates drawn as their own segment in the time-by-template chart; the rest are one segment. */
const CHART_TEMPLATES = 6
/** A legend entry's length at most: templates are whole statements. */
const LEGEND_CHARS = 70

const shortened = (text: string) =>
  text.length > LEGEND_CHARS ? `${text.slice(0, LEGEND_CHARS - 1)}…` : text

/** The stacked time-by-template chart's data: one bar per run, one segment per template. */
export interface TemplateStacks {
  /** Run labels, one bar each, in the group's order. */
  readonly labels: readonly string[]
  /** One segment per dataset: a template, `other statements`, or `outside statements`; ms per run. */
  readonly datasets: readonly { readonly label: string; readonly data: readonly number[] }[]
}

/**
 * Each profiled run's first iteration split by template: the templates that cost most over the group
 * (by their largest share of any run) each a segment, the rest of the statements one, and the time
 * outside statements one. Statements of parallel connections overlap, so a bar may be longer than the
 * iteration.
 */
export function templateStacks(rows: readonly ReportRow[]): TemplateStacks {
  const profiled = rows.filter((r) => (r.run.profile?.templates.length ?? 0) > 0)
  const weight = new Map<string, number>()
  for (const { run } of profiled)
    for (const t of run.profile?.templates ?? [])
      weight.set(t.template, Math.max(weight.get(t.template) ?? 0, t.share))
  const chosen = [...weight]
    .sort((a, b) => b[1] - a[1])
    .slice(0, CHART_TEMPLATES)
    .map(([template]) => template)
  const ms = (v: number) => Math.round(v * 1000) / 1000
  const msOf = (row: ReportRow, template: string) =>
    row.run.profile?.templates.find((t) => t.template === template)?.totalMs ?? 0
  const other = (row: ReportRow) => {
    const profile = row.run.profile
    if (!profile) return 0
    const shown = chosen.reduce((sum, t) => sum + msOf(row, t), 0)
    return ms(Math.max(0, profile.statementsMs - shown))
  }
  const datasets = [
    ...chosen.map((template) => ({ label: template, data: profiled.map((r) => msOf(r, template)) })),
    { label: 'other statements', data: profiled.map(other) },
    { label: 'outside statements', data: profiled.map((r) => r.run.profile?.outsideStatementsMs ?? 0) },
  ].filter((d) => d.data.some((v) => v > 0))
  return { labels: profiled.map(chartLabel), datasets }
}

/** Time by statement template per run, stacked: where each strategy's time went. */
function templateChart(group: ReportGroup): ChartSpec | undefined {
  const stacks = templateStacks(group.rows)
  if (stacks.labels.length === 0 || stacks.datasets.length === 0) return undefined
  const title = `Time by statement template — ${group.scenario} ×${group.scale}`
  const options = baseOptions(title, 'first iteration, milliseconds; parallel statements overlap')
  return {
    group: group.id,
    id: `${group.id}-templates`,
    title,
    width: WIDTH,
    // The legend lists a template per line under the bars.
    height: barHeight(stacks.labels.length) + 22 * stacks.datasets.length,
    config: {
      type: 'bar',
      data: {
        labels: [...stacks.labels],
        datasets: stacks.datasets.map((d, i) => ({
          label: shortened(d.label),
          data: [...d.data],
          backgroundColor:
            d.label === 'outside statements'
              ? GREY
              : d.label === 'other statements'
                ? '#79706e'
                : (PALETTE[i % PALETTE.length] as string),
          borderWidth: 0,
        })),
      },
      options: {
        ...options,
        indexAxis: 'y',
        plugins: { ...options.plugins, legend: { display: true, position: 'bottom', align: 'start' } },
        scales: {
          x: { stacked: true, type: 'linear', min: 0, title: { display: true, text: 'milliseconds' } },
          y: { stacked: true, ticks: { autoSkip: false } },
        },
      },
    },
  }
}

/** A line chart's spec: full width, a fixed height. */
export const lineSpec = (
  group: string,
  chart: string,
  title: string,
  config: ChartConfiguration,
): ChartSpec => ({
  group,
  id: `${group}-${chart}`,
  title,
  width: WIDTH,
  height: 380,
  config,
})

/** One line per run of a `[ms, value]` series over its first iteration, against seconds. */
function timelineChart(
  group: ReportGroup,
  chart: string,
  title: string,
  subtitle: string,
  axis: string,
  series: (row: ReportRow) => readonly (readonly [number, number])[] | undefined,
  line: (row: ReportRow) => Record<string, unknown>,
): ChartSpec | undefined {
  const runs = group.rows.filter((r) => (series(r)?.length ?? 0) >= 2)
  if (runs.length === 0) return undefined
  return lineSpec(group.id, chart, title, {
    type: 'line',
    data: {
      datasets: runs.map((r) => ({
        label: chartLabel(r),
        data: (series(r) ?? []).map(([ms, value]) => ({ x: ms / 1000, y: value })),
        borderColor: colourOf(group, r),
        backgroundColor: colourOf(group, r),
        borderWidth: 2,
        ...line(r),
      })),
    },
    options: {
      ...baseOptions(title, subtitle),
      scales: {
        x: { type: 'linear', title: { display: true, text: 'seconds' }, min: 0 },
        y: { type: 'linear', title: { display: true, text: axis }, min: 0 },
      },
    },
  })
}

/** Rows deleted over time in each run's first iteration: how steadily each strategy makes progress. */
function progressChart(group: ReportGroup): ChartSpec | undefined {
  return timelineChart(
    group,
    'progress',
    `Rows deleted over time — ${group.scenario} ×${group.scale}`,
    'first iteration; dashed: stopped at the budget',
    'rows deleted (all tables)',
    (r) => r.run.progress,
    (r) => ({
      borderDash: r.run.status === 'timeout' ? [6, 4] : [],
      pointRadius: 0,
      // Rows are known at the samples only: a step, not a slope (one DELETE jumps at its end).
      stepped: 'after' as const,
    }),
  )
}

/**
 * The batches of self-sizing loops over the run: each run's batch size (solid, left axis) and batch
 * time (dotted, right axis), with the time it aimed at (dashed), so a reader sees how soon the size
 * settles and whether the batches then keep to the target.
 */
function batchesChart(group: ReportGroup): ChartSpec | undefined {
  const runs = group.rows.filter((r) => (r.run.batches?.length ?? 0) >= 2)
  if (runs.length === 0) return undefined
  const title = `Batch size and batch time over the run — ${group.scenario} ×${group.scale}`
  const line = { pointRadius: 2, borderWidth: 2 }
  return lineSpec(group.id, 'batches', title, {
    type: 'line',
    data: {
      datasets: runs.flatMap((r) => {
        const colour = colourOf(group, r)
        const batches = r.run.batches ?? []
        const target = r.run.options['chunkTimeMs']
        const end = (batches.at(-1)?.atMs ?? 0) / 1000
        return [
          {
            label: `${chartLabel(r)}: batch size`,
            data: batches.map((b) => ({ x: b.atMs / 1000, y: b.size })),
            borderColor: colour,
            backgroundColor: colour,
            yAxisID: 'y',
            ...line,
          },
          {
            label: `${chartLabel(r)}: batch ms`,
            data: batches.map((b) => ({ x: b.atMs / 1000, y: b.ms })),
            borderColor: faded(colour),
            backgroundColor: faded(colour),
            borderDash: [2, 3],
            yAxisID: 'y1',
            ...line,
          },
          ...(typeof target === 'number'
            ? [
                {
                  label: `${chartLabel(r)}: target ms`,
                  data: [
                    { x: 0, y: target },
                    { x: end, y: target },
                  ],
                  borderColor: colour,
                  backgroundColor: colour,
                  borderDash: [8, 4],
                  yAxisID: 'y1',
                  pointRadius: 0,
                  borderWidth: 1,
                },
              ]
            : []),
        ]
      }),
    },
    options: {
      ...baseOptions(title, 'first iteration; each point a batch, at its end'),
      scales: {
        x: { type: 'linear', title: { display: true, text: 'seconds' }, min: 0 },
        y: {
          type: 'linear',
          position: 'left',
          title: { display: true, text: 'batch size (target rows)' },
          min: 0,
        },
        y1: {
          type: 'linear',
          position: 'right',
          title: { display: true, text: 'batch time, milliseconds' },
          min: 0,
          grid: { drawOnChartArea: false },
        },
      },
    },
  })
}

/**
 * Replication lag over time in each run's first iteration, beside rows deleted over time: one line per
 * run and replica (heartbeat lag; gaps where it was unknown), through the replica's catch-up.
 */
function lagChart(group: ReportGroup): ChartSpec | undefined {
  const lines = group.rows.flatMap((r) =>
    (r.run.replication ?? [])
      .filter((replica) => replica.timeline.length >= 2)
      .map((replica, _i, all) => ({ row: r, replica, label: all.length > 1 ? ` → ${replica.replica}` : '' })),
  )
  if (lines.length === 0) return undefined
  const title = `Replication lag over time — ${group.scenario} ×${group.scale}`
  return lineSpec(group.id, 'lag', title, {
    type: 'line',
    data: {
      datasets: lines.map(({ row, replica, label }) => ({
        label: `${chartLabel(row)}${label}`,
        data: replica.timeline.map(([ms, lag]) => ({ x: ms / 1000, y: lag })),
        borderColor: colourOf(group, row),
        backgroundColor: colourOf(group, row),
        pointRadius: 0,
        borderWidth: 2,
        // An unknown lag (replica stopped or unreadable) is a gap, not a zero.
        spanGaps: false,
      })),
    },
    options: {
      ...baseOptions(title, 'first iteration, from the strategy’s start through the replica’s catch-up'),
      scales: {
        x: { type: 'linear', title: { display: true, text: 'seconds' }, min: 0 },
        y: { type: 'linear', title: { display: true, text: 'replica lag, ms (heartbeat)' }, min: 0 },
      },
    },
  })
}

/** Work left for later over the run (loose-fk's cleanup queue): how long the backlog takes to drain. */
function backlogChart(group: ReportGroup): ChartSpec | undefined {
  return timelineChart(
    group,
    'backlog',
    `Cleanup backlog over time — ${group.scenario} ×${group.scale}`,
    'first iteration; parent keys queued whose dependents are not yet cleaned up: the rise is the user-facing delete, then a point per cleanup pass',
    'queue length',
    (r) => r.run.backlog,
    () => ({ pointRadius: 2 }),
  )
}

/** A figure against a swept option, one line per strategy (and per value of the other swept options). */
function sweepCharts(group: ReportGroup, option: string): ChartSpec[] {
  // Runs that do not read the option (per-row and a batch size) have no place on its axis.
  const reading = group.rows.filter((r) => option in r.run.options)
  const numeric = reading.every((r) => typeof r.run.options[option] === 'number')
  const series = new Map<string, ReportRow[]>()
  for (const row of reading) {
    const others = group.swept.filter((k) => k !== option)
    const key = strategyLabel(row.run.strategy, row.run.options, { only: others })
    series.set(key, [...(series.get(key) ?? []), row])
  }
  const values = [...new Set(reading.map((r) => r.run.options[option]))].sort((a, b) =>
    numeric ? Number(a) - Number(b) : String(a).localeCompare(String(b)),
  )
  const figures: { chart: string; axis: string; value: (row: ReportRow) => number | null }[] = [
    {
      chart: 'time',
      axis: 'median milliseconds',
      value: (r) => (r.run.status === 'ok' ? (r.run.timing?.median ?? null) : null),
    },
    ...(group.rows.some((r) => worstStream(r.run))
      ? [
          {
            chart: 'latency',
            axis: 'worst traffic p99, milliseconds',
            value: (r: ReportRow) => worstStream(r.run)?.p99Ms ?? null,
          },
        ]
      : []),
  ]
  // Series that do not vary with the option (strategies that do not read it) would be flat lines.
  const varying = [...series].filter(([, rows]) => new Set(rows.map((r) => r.run.options[option])).size > 1)
  if (varying.length === 0) return []
  // A line needs two points: a figure no series has twice (the small batches timed out, say) is not drawn.
  const drawable = figures.filter(({ value }) =>
    varying.some(([, rows]) => rows.filter((r) => (value(r) ?? 0) > 0).length >= 2),
  )
  return drawable.map(({ chart, axis, value }) => {
    const title = `${chart === 'time' ? 'Time' : 'Foreground p99'} against ${option} — ${group.scenario} ×${group.scale}`
    return lineSpec(group.id, `sweep-${option}-${chart}`, title, {
      type: 'line',
      data: {
        labels: values.map(String),
        datasets: varying.map(([label, rows]) => {
          const colour = colourOf(group, rows[0] as ReportRow)
          return {
            label,
            data: values.map((v) => {
              const row = rows.find((r) => r.run.options[option] === v)
              return row ? value(row) : null
            }),
            borderColor: colour,
            backgroundColor: colour,
            pointRadius: 4,
            borderWidth: 2,
            spanGaps: true,
          }
        }),
      },
      options: {
        ...baseOptions(title, 'only correct runs are plotted'),
        scales: {
          x: { type: 'category', title: { display: true, text: option } },
          y: valueAxis(
            group.rows.map((r) => value(r) ?? 0),
            true,
            axis,
          ),
        },
      },
    })
  })
}

/** Every chart of a document, group by group. */
export function reportCharts(groups: readonly ReportGroup[]): ChartSpec[] {
  return groups.flatMap(groupCharts)
}
