import type { ResultsDocument, RunRecord } from '../core/results-schema.js'

type Database = ResultsDocument['environment']['databases'][number]

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

/** One run as a report shows it: its place among the correct runs and the figures derived from it. */
export interface ReportRow {
  readonly run: RunRecord
  /** The strategy, with the options that vary within its table (a sweep). */
  readonly label: string
  /** 1 for the fastest correct run; null for runs that are not correct (never ranked). */
  readonly rank: number | null
  /** Median time over the fastest correct run's median; null where there is no time. */
  readonly ratio: number | null
  /** Rows deleted (all tables) per second at the median, or the timeout's measured rate. */
  readonly rowsPerSecond: number | null
  readonly rowsDeleted: number | null
}

/** One table of a report: a database and a scenario at a scale, its runs ranked. */
export interface ReportGroup {
  /** A file-name-safe identifier, unique in the document. */
  readonly id: string
  readonly title: string
  readonly database: Database | undefined
  readonly databaseUrl: string
  readonly scenario: string
  readonly scale: number
  readonly rows: readonly ReportRow[]
  /** Options whose value differs between runs of the group (swept): shown in labels, charted. */
  readonly swept: readonly string[]
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0)

/** Total rows a run deleted, over every table. */
export function totalRowsDeleted(run: RunRecord): number | null {
  if (run.projection && run.status === 'timeout') return run.projection.rowsDeleted
  return run.rowsDeleted ? sum(Object.values(run.rowsDeleted)) : null
}

/** The runs of a document grouped per database × scenario × scale, each ranked fastest correct first. */
export function reportGroups(document: ResultsDocument): ReportGroup[] {
  const byKey = new Map<string, RunRecord[]>()
  for (const run of document.runs) {
    const key = JSON.stringify([run.database.url, run.scenario, run.scale])
    byKey.set(key, [...(byKey.get(key) ?? []), run])
  }
  const used = new Set<string>()
  return [...byKey.values()].map((runs) => {
    const first = runs[0] as RunRecord
    const swept = sweptOptions(runs)
    const ranked = rankRuns(runs)
    const fastest = ranked[0]?.status === 'ok' ? ranked[0].timing?.median : undefined
    const rows = ranked.map((run, i): ReportRow => {
      const options = Object.entries(run.options)
        .filter(([k]) => swept.includes(k))
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ')
      const deleted = totalRowsDeleted(run)
      const median = run.timing?.median
      return {
        run,
        label: `${run.strategy}${options ? ` (${options})` : ''}`,
        rank: run.status === 'ok' ? i + 1 : null,
        ratio: run.status === 'ok' && median !== undefined && fastest ? median / fastest : null,
        rowsPerSecond:
          run.status === 'timeout'
            ? (run.projection?.rowsPerSecond ?? null)
            : median && deleted !== null && run.status === 'ok'
              ? (deleted * 1000) / median
              : null,
        rowsDeleted: deleted,
      }
    })
    const database = document.environment.databases.find((d) => d.url === first.database.url)
    let id = slug(`${first.database.kind}-${first.scenario}-x${first.scale}`)
    for (let n = 2; used.has(id); n++)
      id = slug(`${first.database.kind}-${first.scenario}-x${first.scale}-${n}`)
    used.add(id)
    return {
      id,
      title: `${first.scenario} ×${first.scale} on ${database ? `${database.product} ${database.version}` : first.database.kind}`,
      database,
      databaseUrl: first.database.url,
      scenario: first.scenario,
      scale: first.scale,
      rows,
      swept,
    }
  })
}

/** A file-name-safe, lower-case form of a label. */
export const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^-|-$/g, '')

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

/** The worst foreground stream of a run (by p99), if traffic ran. */
export function worstStream(run: RunRecord): NonNullable<RunRecord['foreground']>[number] | undefined {
  return [...(run.foreground ?? [])].sort((a, b) => b.p99Ms - a.p99Ms)[0]
}

/** Failed foreground operations of a run, over every stream. */
export const trafficErrors = (run: RunRecord): number =>
  sum((run.foreground ?? []).map((f) => sum(Object.values(f.errors))))

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

/** The table every report shows, as plain text cells: one header, one row per run. */
export function tableCells(group: ReportGroup): { header: string[]; rows: string[][] } {
  const traffic = group.rows.some((r) => r.run.foreground?.length)
  const cost = group.rows.some((r) => r.run.databaseCost?.logBytes != null)
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
    ...(cost ? ['WAL / redo'] : []),
    'verdict',
  ]
  const rows = group.rows.map(({ run, label, rank, ratio, rowsPerSecond }) => {
    const worst = worstStream(run)
    const errors = trafficErrors(run)
    return [
      rank === null ? '–' : String(rank),
      label,
      run.timing
        ? formatMs(run.timing.median)
        : run.projection?.projectedMs
          ? `(${formatMs(run.projection.projectedMs)})`
          : '–',
      // One sample has no margin of error: a dash, not a reassuring 0%.
      run.timing && run.timing.samples.length > 1 ? `${run.timing.rme.toFixed(0)}%` : '–',
      ratio === null ? '–' : `${ratio < 10 ? ratio.toFixed(1) : ratio.toFixed(0)}×`,
      rowsPerSecond === null ? '–' : formatCount(rowsPerSecond),
      run.statements ? formatCount(run.statements.total) : '–',
      statementsByKind(run),
      run.roundTrips === undefined ? '–' : formatCount(run.roundTrips),
      run.memory ? `${formatBytes(run.memory.peakRssBytes)} / ${formatBytes(run.memory.peakHeapBytes)}` : '–',
      ...(traffic
        ? [
            worst
              ? `${formatMs(worst.p99Ms)} / ${formatMs(worst.maxMs)}${errors ? ` (${formatCount(errors)} errors)` : ''}`
              : '–',
          ]
        : []),
      ...(cost ? [run.databaseCost?.logBytes != null ? formatBytes(run.databaseCost.logBytes) : '–'] : []),
      verdict(run),
    ]
  })
  return { header, rows }
}

/** The environment in a few lines: what a reader needs to judge whether the figures apply to them. */
export function environmentLines(document: ResultsDocument): string[] {
  const env = document.environment
  const lines = env.databases.map((db) => {
    const settings = Object.entries(db.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')
    return `${db.product} ${db.version} (${db.url})${settings ? ` — ${settings}` : ''}`
  })
  lines.push(
    `${env.cpu.model} × ${env.cpu.count}, ${formatBytes(env.memoryBytes)} RAM, ${env.os}`,
    `Node ${env.nodeVersion}, delbench ${env.delbenchVersion}${env.gitCommit ? ` (commit ${env.gitCommit.slice(0, 12)})` : ''}`,
    `run ${env.startedAt} – ${env.finishedAt}${env.interrupted ? ' (interrupted: only the runs that finished are shown)' : ''}`,
  )
  return lines
}

/** How to read the tables, said once at the top of every report. */
export const READING_GUIDE =
  'Times are the median of each run’s iterations (± is the relative margin of error of the mean at 95%); statements and round trips are per iteration and exact; memory is the peak of the process running the strategy. Runs that deleted the wrong rows or failed are shown but never ranked; runs stopped at their budget show the projected total time in brackets.'

/** A short reading of a group for the reader in a hurry: the winner, and what did not make it. */
export function groupSummary(group: ReportGroup): string {
  const best = group.rows.find((r) => r.rank === 1)
  const second = group.rows.find((r) => r.rank === 2)
  const wrong = group.rows.filter((r) => r.run.status === 'wrong-result' || r.run.status === 'failed')
  const timeouts = group.rows.filter((r) => r.run.status === 'timeout')
  const parts: string[] = []
  if (best?.run.timing) {
    parts.push(
      `Fastest correct: ${best.label} (${formatMs(best.run.timing.median)}${
        second?.ratio ? `; the next, ${second.label}, takes ${second.ratio.toFixed(1)}× as long` : ''
      }).`,
    )
  } else parts.push('No strategy deleted the right rows within its budget.')
  if (timeouts.length)
    parts.push(`Stopped at the budget, with a projection: ${timeouts.map((r) => r.label).join(', ')}.`)
  if (wrong.length) parts.push(`Not ranked (wrong or failed): ${wrong.map((r) => r.label).join(', ')}.`)
  return parts.join(' ')
}

/**
 * One line per traffic stream that failed in a run of the group, with its failures by kind and the
 * first message, so errors are never a bare count: "batched: traffic 'x' failed 3 lock timeout — …".
 */
export function trafficProblems(group: ReportGroup): string[] {
  return group.rows.flatMap(({ run, label }) =>
    (run.foreground ?? []).flatMap((f) => {
      if (sum(Object.values(f.errors)) === 0) return []
      const kinds = Object.entries(f.errors)
        .map(([kind, count]) => `${count} ${kind}`)
        .join(', ')
      return [`${label}: traffic '${f.name}' failed ${kinds}${f.firstError ? ` — ${f.firstError}` : ''}`]
    }),
  )
}

/** How the built-in strategies' own figures read; any other is shown as `name: value`. */
const FIGURE_WORDS: Readonly<Record<string, (value: number) => string>> = {
  writesBlockedMs: (v) => `writes blocked for ${formatMs(v)} (its lock, held through the copy and the swap)`,
  partitionsDropped: (v) => `${v} whole ${v === 1 ? 'partition' : 'partitions'} dropped`,
}

/** One line per run that recorded figures of its own (`ctx.record`): copy-swap's lock window, say. */
export function strategyFigures(group: ReportGroup): string[] {
  return group.rows.flatMap(({ run, label }) => {
    const figures = Object.entries(run.figures ?? {})
    if (figures.length === 0) return []
    const words = figures.map(([name, value]) => FIGURE_WORDS[name]?.(value) ?? `${name}: ${value}`)
    return [`${label}: ${words.join('; ')}`]
  })
}

/**
 * What identifies "the same run" across results files: where (database kind), what (scenario, scale)
 * and how (strategy and options). Used to compare two files and to follow a run through history.
 */
export function runIdentity(run: RunRecord): string {
  const options = Object.entries(run.options)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ')
  return `${run.database.kind} ${run.scenario} ×${run.scale} ${run.strategy}${options ? ` (${options})` : ''}`
}
