/**
 * Where each run's time went and what its plans warn about, as report lines: the top statement
 * templates, the database's deterministic work beside the time, and one line per unindexed column.
 */
import type { RunRecord } from '../core/results-schema.js'
import { formatCount, formatMs } from './report-format.js'
import type { ReportGroup } from './report-model.js'

type PlanFlag = NonNullable<RunRecord['plans']>[number]['flags'][number]

/** Templates shown per run in a report (the results file and `--profile` hold them all). */
const TOP = 3

const percent = (share: number) => `${Math.round(share * 100)}%`

/** One run's top templates by time, in a line. */
export function topTemplatesLine(run: RunRecord): string | undefined {
  const profile = run.profile
  if (!profile || profile.templates.length === 0) return undefined
  const top = profile.templates
    .slice(0, TOP)
    .map((t) => `\`${t.template}\` ×${formatCount(t.calls)}, ${formatMs(t.totalMs)} (${percent(t.share)})`)
  return `${top.join('; ')}; outside statements ${formatMs(profile.outsideStatementsMs)}`
}

/** Per run: its top templates by time. */
export function topTemplates(group: ReportGroup): string[] {
  return group.rows.flatMap(({ run, label }) => {
    const line = topTemplatesLine(run)
    return line ? [`${label}: ${line}`] : []
  })
}

/** One run's deterministic work counters that are not zero, beside its median time. */
export function workLine(run: RunRecord): string | undefined {
  const work = run.work
  if (!work?.counters) return undefined
  const counters = work.counters
  const shown = work.deterministic.filter((name) => (counters[name] ?? 0) !== 0)
  const figures = shown.map((name) => `${name} ${formatCount(counters[name] ?? 0)}`).join(', ')
  const time = run.timing ? `${formatMs(run.timing.median)}; ` : ''
  return `${time}${figures || 'no work counted'}${work.stable === false ? ' (moved between iterations)' : ''}`
}

/** Per run: the database's deterministic work beside its time. */
export function workFigures(group: ReportGroup): string[] {
  return group.rows.flatMap(({ run, label }) => {
    const line = workLine(run)
    return line ? [`${label}: ${line}`] : []
  })
}

/** The strongest measured evidence of a column's flags: the largest share of an analyzed statement's time. */
function strongest(flags: readonly PlanFlag[]): PlanFlag | undefined {
  const share = (f: PlanFlag) => (f.evidenceMs ?? 0) / (f.statementMs || 1)
  return flags.filter((f) => f.evidenceMs !== undefined).sort((a, b) => share(b) - share(a))[0]
}

/** What a flag's measured evidence says its column cost, in a clause. */
function measuredCost(flag: PlanFlag | undefined): string {
  if (flag?.evidenceMs === undefined) return ''
  const of = flag.statementMs
    ? ` of the statement's ${formatMs(flag.statementMs)} (${percent(flag.evidenceMs / flag.statementMs)})`
    : ''
  return `; the DELETE's check or cascade searching it took ${formatMs(flag.evidenceMs)}${of} in one call timed by EXPLAIN ANALYZE (rolled back)`
}

/**
 * One line per flagged table and column across the group's runs: what lacks an index, the fix, what
 * the database measured it cost (the foreign key's trigger time in an analyzed call) and what the
 * statements flagged cost each run (their share of its time).
 */
export function planWarnings(group: ReportGroup): string[] {
  const byColumn = new Map<string, { fix: string; message: string; flags: PlanFlag[]; costs: string[] }>()
  for (const { run, label } of group.rows) {
    const shares = new Map((run.profile?.templates ?? []).map((t) => [t.template, t]))
    const seen = new Map<string, { ms: number; share: number }>()
    for (const plan of run.plans ?? []) {
      const figures = shares.get(plan.template)
      for (const flag of plan.flags) {
        const key = `${flag.table}.${flag.column ?? '*'}`
        const entry = byColumn.get(key) ?? { fix: flag.fix, message: flag.message, flags: [], costs: [] }
        entry.flags.push(flag)
        byColumn.set(key, entry)
        const cost = seen.get(key) ?? { ms: 0, share: 0 }
        seen.set(key, { ms: cost.ms + (figures?.totalMs ?? 0), share: cost.share + (figures?.share ?? 0) })
      }
    }
    for (const [key, cost] of seen)
      byColumn.get(key)?.costs.push(`${label} ${formatMs(cost.ms)} (${percent(cost.share)})`)
  }
  return [...byColumn].map(([key, { fix, message, flags, costs }]) =>
    key.endsWith('.*')
      ? `${message}; fix: ${fix}; flagged statements took ${costs.join(', ')}`
      : `${key} has no index (${fix})${measuredCost(strongest(flags))}; the flagged statements took ${costs.join(', ')}`,
  )
}

/** Every template of every run, its work counters and its plans' flags: what `run --profile` prints. */
export function fullProfiles(runs: readonly RunRecord[]): string {
  const lines: string[] = []
  for (const run of runs) {
    const options = Object.entries(run.options)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ')
    lines.push(
      '',
      `== ${run.database.kind} ${run.scenario} ×${run.scale} ${run.strategy} ${options}: ${run.status}`,
    )
    const profile = run.profile
    if (profile) {
      lines.push(
        `${profile.covers === 'first-iteration' ? 'first iteration' : `first iteration, unfinished (stopped; ${profile.underWay ?? 0} statements under way, counted so far)`} ${formatMs(profile.iterationMs)}: statements ${formatMs(profile.statementsMs)}, outside statements ${formatMs(profile.outsideStatementsMs)}`,
        'share   calls        total      mean       p95        max        rows        template',
      )
      for (const t of profile.templates)
        lines.push(
          [
            percent(t.share).padStart(5),
            formatCount(t.calls).padStart(7),
            ...[t.totalMs, t.meanMs, t.p95Ms, t.maxMs].map((v) => formatMs(v).padStart(10)),
            formatCount(t.rows).padStart(10),
            `  ${t.template}`,
          ].join(' '),
        )
      if (profile.omitted)
        lines.push(
          `(${profile.omitted.templates} more templates: ${formatCount(profile.omitted.calls)} calls, ${formatMs(profile.omitted.totalMs)})`,
        )
    }
    const work = run.work
    if (work?.counters) {
      const counters = Object.entries(work.counters).map(
        ([name, value]) => `${name}${work.deterministic.includes(name) ? '*' : ''} ${formatCount(value)}`,
      )
      lines.push(`work (${work.scope}; * deterministic): ${counters.join(', ')}`)
    } else if (work) lines.push(`work: ${work.note}`)
    for (const flag of (run.plans ?? []).flatMap((p) => p.flags))
      lines.push(`warning: ${flag.message}; fix: ${flag.fix}${flag.evidence ? `; ${flag.evidence}` : ''}`)
  }
  return lines.join('\n').trimStart()
}
