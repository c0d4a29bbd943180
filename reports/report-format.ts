import { marginOfError } from '../core/margin-of-error.js'
import type { RunRecord } from '../core/results-schema.js'
import { trafficErrors, worstStream, type ReportGroup } from './report-model.js'

/** Milliseconds as a reader wants them: 850 ms, 3.42 s, 12.5 min, 1.8 h. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(2)} ms`
  if (ms < 1000) return `${ms.toFixed(0)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`
  return `${(ms / 3_600_000).toFixed(1)} h`
}

/** Bytes in binary units: 940 B, 12.3 MiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(unit === 0 || value >= 100 ? 0 : 1)} ${units[unit]}`
}

/** A count with thousands separators (12,345), fixed to one locale so reports do not vary by machine. */
export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US')

/** Statement counts by kind, the non-zero ones: "select 51 · delete 50 · begin 50 · commit 50". */
export function statementsByKind(run: RunRecord): string {
  if (!run.statements) return ''
  return Object.entries(run.statements)
    .filter(([kind, n]) => kind !== 'total' && n > 0)
    .map(([kind, n]) => `${kind} ${formatCount(n)}`)
    .join(' · ')
}

/** The verdict cell: correct, or what went wrong, or how far a timeout got and where it was heading. */
export function verdict(run: RunRecord): string {
  switch (run.status) {
    case 'ok':
      return 'correct'
    case 'timeout': {
      const p = run.projection
      if (!p) return 'timeout'
      const projected = p.projectedMs === null ? 'no rows deleted' : `projected ${formatMs(p.projectedMs)}`
      return `timeout: ${formatCount(p.rowsDeleted)} of ${formatCount(p.rowsExpected)} rows in ${formatMs(p.elapsedMs)}, ${projected}`
    }
    case 'wrong-result':
      return `WRONG: ${run.verification?.problems.join('; ') ?? run.error ?? 'wrong result'}`
    case 'failed':
      return `FAILED: ${run.error ?? 'error'}`
    case 'unsupported':
      return `unsupported: ${run.error ?? ''}`
  }
}

/** The worst traffic stream's p99 and max latency, with the run's traffic errors. */
function trafficCell(run: RunRecord): string {
  const worst = worstStream(run)
  if (!worst) return '–'
  const errors = trafficErrors(run)
  return `${formatMs(worst.p99Ms)} / ${formatMs(worst.maxMs)}${errors ? ` (${formatCount(errors)} errors)` : ''}`
}

/** The worst replica's lag figure, or '?' where any replica's is unknown. */
function worstLag(
  run: RunRecord,
  figure: (r: NonNullable<RunRecord['replication']>[number]) => number | null,
): string {
  const values = (run.replication ?? []).map(figure)
  if (values.length === 0) return '–'
  if (values.some((v) => v === null)) return 'unknown'
  return formatMs(Math.max(...values.map((v) => v ?? 0)))
}

/** The ± cell: a dash where there is no margin of error (no timing, or one sample: not a reassuring 0%). */
function marginCell(run: RunRecord): string {
  const rme = run.timing ? marginOfError(run.timing) : undefined
  return rme === undefined ? '–' : `${rme.toFixed(0)}%`
}

/** The table every report shows, as plain text cells: one header, one row per run. */
export function tableCells(group: ReportGroup): { header: string[]; rows: string[][] } {
  const traffic = group.rows.some((r) => r.run.foreground?.length)
  const cost = group.rows.some((r) => r.run.databaseCost?.logBytes != null)
  const lag = group.rows.some((r) => r.run.replication?.length)
  const header = [
    '#',
    'strategy',
    'median',
    '±',
    'vs fastest',
    'rows/s',
    'statements',
    'by kind',
    'round trips',
    'peak RSS / heap',
    ...(traffic ? ['traffic p99 / max'] : []),
    ...(lag ? ['replica lag p99', 'replica lag max', 'catch-up'] : []),
    ...(cost ? ['WAL / redo'] : []),
    'verdict',
  ]
  const rows = group.rows.map(({ run, label, rank, ratio, rowsPerSecond }) => [
    rank === null ? '–' : String(rank),
    label,
    run.timing
      ? formatMs(run.timing.median)
      : run.projection?.projectedMs
        ? `(${formatMs(run.projection.projectedMs)})`
        : '–',
    marginCell(run),
    ratio === null ? '–' : `${ratio < 10 ? ratio.toFixed(1) : ratio.toFixed(0)}×`,
    rowsPerSecond === null ? '–' : formatCount(rowsPerSecond),
    run.statements ? formatCount(run.statements.total) : '–',
    statementsByKind(run),
    run.roundTrips === undefined ? '–' : formatCount(run.roundTrips),
    run.memory ? `${formatBytes(run.memory.peakRssBytes)} / ${formatBytes(run.memory.peakHeapBytes)}` : '–',
    ...(traffic ? [trafficCell(run)] : []),
    ...(lag
      ? [
          worstLag(run, (r) => r.lagMs.p99),
          worstLag(run, (r) => r.lagMs.max),
          worstLag(run, (r) => r.catchUpMs),
        ]
      : []),
    ...(cost ? [run.databaseCost?.logBytes != null ? formatBytes(run.databaseCost.logBytes) : '–'] : []),
    verdict(run),
  ])
  return { header, rows }
}
