import { baseOptions, lineSpec, PALETTE, valueAxis, type ChartSpec } from './chart-specs.js'
import { runIdentity, slug } from './report-model.js'
import type { ResultsDocument, RunRecord } from '../core/results-schema.js'

/** Results files in the order they were made: the x axis of a history. */
export function chronological(documents: readonly ResultsDocument[]): ResultsDocument[] {
  return [...documents].sort((a, b) => a.environment.startedAt.localeCompare(b.environment.startedAt))
}

/** A point's name on the x axis: the commit where known, and the day. */
function pointLabel(document: ResultsDocument): string {
  const day = document.environment.startedAt.slice(0, 16).replace('T', ' ')
  return document.environment.gitCommit ? `${document.environment.gitCommit.slice(0, 7)} ${day}` : day
}

/**
 * The trend of each figure across results files: per database × scenario × scale, the median time and
 * the statements of every strategy (one line each), from the oldest file to the newest. A run that
 * was not correct in a file leaves a gap there: its figure is not comparable.
 */
export function historyCharts(documents: readonly ResultsDocument[]): ChartSpec[] {
  const files = chronological(documents)
  const labels = files.map(pointLabel)
  // group (database, scenario, scale) → series (strategy and options) → run per file
  const groups = new Map<string, Map<string, (RunRecord | undefined)[]>>()
  files.forEach((document, i) => {
    for (const run of document.runs) {
      const group = `${run.database.kind} ${run.scenario} ×${run.scale}`
      const series = groups.get(group) ?? new Map<string, (RunRecord | undefined)[]>()
      groups.set(group, series)
      const identity = runIdentity(run).slice(group.length + 1)
      const points = series.get(identity) ?? new Array<RunRecord | undefined>(files.length).fill(undefined)
      points[i] = run
      series.set(identity, points)
    }
  })
  const figures = [
    {
      chart: 'time',
      title: 'Median time',
      axis: 'milliseconds',
      value: (r: RunRecord | undefined) => (r?.status === 'ok' ? (r.timing?.median ?? null) : null),
    },
    {
      chart: 'statements',
      title: 'Statements per iteration',
      axis: 'statements',
      value: (r: RunRecord | undefined) => (r?.status === 'ok' ? (r.statements?.total ?? null) : null),
    },
  ]
  return [...groups].flatMap(([group, series]) => {
    return figures.flatMap(({ chart, title, axis, value }) => {
      // A strategy never correct in any file has nothing to draw: it stays out of the legend too.
      const names = [...series.keys()]
        .sort()
        .filter((n) => (series.get(n) ?? []).some((r) => value(r) !== null))
      if (names.length === 0) return []
      const heading = `${title} over time — ${group}`
      const values = [...series.values()].flatMap((points) => points.map((p) => value(p) ?? 0))
      return lineSpec(`history-${slug(group)}`, chart, heading, {
        type: 'line' as const,
        data: {
          labels,
          datasets: names.map((name, i) => {
            const colour = PALETTE[i % PALETTE.length] as string
            return {
              label: name,
              data: (series.get(name) ?? []).map(value),
              borderColor: colour,
              backgroundColor: colour,
              pointRadius: 4,
              borderWidth: 2,
              spanGaps: false,
            }
          }),
        },
        options: {
          ...baseOptions(heading, 'correct runs only; a gap is a run that was wrong, failed or absent'),
          scales: {
            x: {
              type: 'category' as const,
              title: { display: true, text: 'results file (commit, start)' },
            },
            y: valueAxis(values, true, axis),
          },
        },
      })
    })
  })
}
