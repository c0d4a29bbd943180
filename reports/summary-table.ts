import { reportGroups, trafficErrors, worstStream } from './report-model.js'
import { marginShortfalls, strategyFigures, trafficProblems } from './report-prose.js'
import type { ResultsDocument, RunRecord } from '../core/results-schema.js'

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v >= 10 ? 0 : 1)} ms`)

/** One cell of the outcome column: the status, and for timeouts the projection. */
function outcome(run: RunRecord): string {
  if (run.status === 'timeout' && run.projection) {
    const p = run.projection
    const projected = p.projectedMs === null ? 'no rows deleted' : `projected ${ms(p.projectedMs)}`
    return `timeout (${p.rowsDeleted} rows in ${ms(p.elapsedMs)}, ${p.rowsPerSecond} rows/s, ${projected})`
  }
  if (run.status === 'ok') return 'ok'
  return `${run.status}${run.error ? `: ${run.error}` : ''}`
}

/** The worst foreground stream's p99 and max latency, and its errors, if traffic ran. */
function trafficLatency(run: RunRecord): string {
  const worst = worstStream(run)
  if (!worst) return ''
  const errors = trafficErrors(run)
  return `${worst.p99Ms.toFixed(0)}/${worst.maxMs.toFixed(0)} ms${errors > 0 ? ` (${errors} errors)` : ''}`
}

/** The worst replica's lag p99/max and catch-up, where the run measured replicas ('?' where unknown). */
export function replicaLag(run: RunRecord): string {
  const replicas = run.replication ?? []
  if (replicas.length === 0) return ''
  const worst = (values: readonly (number | null)[]) =>
    values.some((v) => v === null) ? '?' : Math.max(...values.map((v) => v ?? 0)).toFixed(0)
  const p99 = worst(replicas.map((r) => r.lagMs.p99))
  const max = worst(replicas.map((r) => r.lagMs.max))
  const catchUp = worst(replicas.map((r) => r.catchUpMs))
  return `${p99}/${max} ms, ${catchUp} ms`
}

/**
 * The terminal summary: per database and scenario, strategies fastest correct first, with the median,
 * the ratio to the fastest correct run, statements, rows deleted and peak memory.
 */
export function summaryTable(document: ResultsDocument): string {
  const lines: string[] = []
  for (const group of reportGroups(document)) {
    const lagged = group.rows.some((row) => row.run.replication?.length)
    const rows = group.rows.map(({ run: r, label, ratio }) => {
      const deleted = r.rowsDeleted ? Object.values(r.rowsDeleted).reduce((a, b) => a + b, 0) : undefined
      return [
        label,
        r.timing ? ms(r.timing.median) : '',
        ratio === null ? '' : `${ratio.toFixed(1)}×`,
        r.statements ? String(r.statements.total) : '',
        deleted === undefined ? '' : String(deleted),
        r.memory ? `${Math.round(r.memory.peakRssBytes / 1024 / 1024)} MB` : '',
        trafficLatency(r),
        ...(lagged ? [replicaLag(r)] : []),
        outcome(r),
      ]
    })
    const header = [
      'strategy',
      'median',
      'ratio',
      'statements',
      'rows deleted',
      'peak RSS',
      'traffic p99/max',
      ...(lagged ? ['replica lag p99/max, catch-up'] : []),
      'outcome',
    ]
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)))
    const format = (cells: readonly string[]) =>
      cells
        .map((c, i) =>
          i >= 1 && i <= 5
            ? c.padStart(widths[i] ?? 0)
            : i === cells.length - 1
              ? c
              : c.padEnd(widths[i] ?? 0),
        )
        .join('  ')
        .trimEnd()
    lines.push(
      `${group.databaseUrl} — ${group.scenario} ×${group.scale}`,
      format(header),
      format(widths.map((w) => '-'.repeat(w))),
      ...rows.map(format),
    )
    const notes = [...trafficProblems(group), ...strategyFigures(group), ...marginShortfalls(group)]
    lines.push(...notes.map((p) => `  ${p}`), '')
  }
  return lines.join('\n')
}
