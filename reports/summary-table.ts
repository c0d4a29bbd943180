import type { ResultsDocument, RunRecord } from './results-schema.js'

/**
 * Options whose value differs between runs (a sweep). A run that does not read an option (per-row and
 * a batch size) does not record it, and is not counted as differing.
 */
export function sweptOptions(runs: readonly RunRecord[]): string[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.options)))]
  return keys.filter(
    (k) => new Set(runs.filter((r) => k in r.options).map((r) => String(r.options[k]))).size > 1,
  )
}

/**
 * Runs in the order a reader wants: correct ones fastest first, then those stopped at their budget by
 * projected time, then the wrong, failed and unsupported (never ranked).
 */
export function rankRuns(runs: readonly RunRecord[]): RunRecord[] {
  const by = (figure: (r: RunRecord) => number | null | undefined) => (a: RunRecord, b: RunRecord) =>
    (figure(a) ?? Number.POSITIVE_INFINITY) - (figure(b) ?? Number.POSITIVE_INFINITY)
  const ok = runs.filter((r) => r.status === 'ok').sort(by((r) => r.timing?.median))
  const timeouts = runs.filter((r) => r.status === 'timeout').sort(by((r) => r.projection?.projectedMs))
  const rest = runs.filter((r) => r.status !== 'ok' && r.status !== 'timeout')
  return [...ok, ...timeouts, ...rest]
}

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
function foreground(run: RunRecord): string {
  if (!run.foreground || run.foreground.length === 0) return ''
  const worst = [...run.foreground].sort((a, b) => b.p99Ms - a.p99Ms)[0]
  if (!worst) return ''
  const errors = run.foreground.reduce((n, f) => n + Object.values(f.errors).reduce((a, b) => a + b, 0), 0)
  return `${worst.p99Ms.toFixed(0)}/${worst.maxMs.toFixed(0)} ms${errors > 0 ? ` (${errors} errors)` : ''}`
}

/** One line per traffic stream that failed, with the first failure, so errors are not a bare count. */
function trafficErrors(runs: readonly RunRecord[]): string[] {
  return runs.flatMap((run) =>
    (run.foreground ?? []).flatMap((f) => {
      const n = Object.values(f.errors).reduce((a, b) => a + b, 0)
      if (n === 0) return []
      const kinds = Object.entries(f.errors)
        .map(([kind, count]) => `${count} ${kind}`)
        .join(', ')
      return [
        `  ${run.strategy}: traffic '${f.name}' failed ${kinds}${f.firstError ? ` — ${f.firstError}` : ''}`,
      ]
    }),
  )
}

/**
 * The terminal summary: per database and scenario, strategies fastest correct first, with the median,
 * the ratio to the fastest correct run, statements, rows deleted and peak memory.
 */
export function summaryTable(document: ResultsDocument): string {
  const groups = new Map<string, RunRecord[]>()
  for (const run of document.runs) {
    const key = `${run.database.url} — ${run.scenario} ×${run.scale}`
    groups.set(key, [...(groups.get(key) ?? []), run])
  }
  const lines: string[] = []
  for (const [title, runs] of groups) {
    const ranked = rankRuns(runs)
    // Options are shown only where they differ between the runs of the table (a sweep).
    const varying = new Set(sweptOptions(runs))
    const fastest = ranked[0]?.status === 'ok' ? ranked[0].timing?.median : undefined
    const rows = ranked.map((r) => {
      const options = Object.entries(r.options)
        .filter(([k]) => varying.has(k))
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')
      const deleted = r.rowsDeleted ? Object.values(r.rowsDeleted).reduce((a, b) => a + b, 0) : undefined
      return [
        `${r.strategy}${options ? ` (${options})` : ''}`,
        r.timing ? ms(r.timing.median) : '',
        r.timing && fastest ? `${(r.timing.median / fastest).toFixed(1)}×` : '',
        r.statements ? String(r.statements.total) : '',
        deleted === undefined ? '' : String(deleted),
        r.memory ? `${Math.round(r.memory.peakRssBytes / 1024 / 1024)} MB` : '',
        foreground(r),
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
    lines.push(title, format(header), format(widths.map((w) => '-'.repeat(w))), ...rows.map(format))
    lines.push(...trafficErrors(ranked), '')
  }
  return lines.join('\n')
}
