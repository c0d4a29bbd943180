import type { ResultsDocument, RunRecord } from '../core/results-schema.js'
import { strategyLabel } from '../core/strategy-label.js'

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

/** The sum of some numbers (0 for none). */
export const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0)

/** Total rows a run deleted, over every table. */
export function totalRowsDeleted(run: RunRecord): number | null {
  if (run.projection && run.status === 'timeout') return run.projection.rowsDeleted
  return run.rowsDeleted ? sum(Object.values(run.rowsDeleted)) : null
}

/** The worst foreground stream of a run (by p99), if traffic ran. */
export function worstStream(run: RunRecord): NonNullable<RunRecord['foreground']>[number] | undefined {
  return [...(run.foreground ?? [])].sort((a, b) => b.p99Ms - a.p99Ms)[0]
}

/** Failed foreground operations of a run, over every stream. */
export const trafficErrors = (run: RunRecord): number =>
  sum((run.foreground ?? []).map((f) => sum(Object.values(f.errors))))

/** A run at its place (0 for the first) among its group's ranked runs, `fastest` the best correct median. */
function reportRow(run: RunRecord, place: number, swept: readonly string[], fastest?: number): ReportRow {
  const deleted = totalRowsDeleted(run)
  const median = run.timing?.median
  return {
    run,
    label: strategyLabel(run.strategy, run.options, { only: swept }),
    rank: run.status === 'ok' ? place + 1 : null,
    ratio: run.status === 'ok' && median !== undefined && fastest ? median / fastest : null,
    rowsPerSecond:
      run.status === 'timeout'
        ? (run.projection?.rowsPerSecond ?? null)
        : median && deleted !== null && run.status === 'ok'
          ? (deleted * 1000) / median
          : null,
    rowsDeleted: deleted,
  }
}

/** Runs of one database × scenario × scale, in the order the document holds them. */
function runsByGroup(document: ResultsDocument): RunRecord[][] {
  const byKey = new Map<string, RunRecord[]>()
  for (const run of document.runs) {
    const key = JSON.stringify([run.database.url, run.scenario, run.scale])
    byKey.set(key, [...(byKey.get(key) ?? []), run])
  }
  return [...byKey.values()]
}

/** The runs of a document grouped per database × scenario × scale, each ranked fastest correct first. */
export function reportGroups(document: ResultsDocument): ReportGroup[] {
  const used = new Set<string>()
  return runsByGroup(document).map((runs) => {
    const first = runs[0] as RunRecord
    const swept = sweptOptions(runs)
    const ranked = rankRuns(runs)
    const fastest = ranked[0]?.status === 'ok' ? ranked[0].timing?.median : undefined
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
      rows: ranked.map((run, i) => reportRow(run, i, swept, fastest)),
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

/**
 * What identifies "the same run" across results files: where (database kind), what (scenario, scale)
 * and how (strategy and options). Used to compare two files and to follow a run through history.
 */
export function runIdentity(run: RunRecord): string {
  const how = strategyLabel(run.strategy, run.options, { sorted: true })
  return `${run.database.kind} ${run.scenario} ×${run.scale} ${how}`
}
