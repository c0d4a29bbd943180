import type { ResultsDocument } from '../core/results-schema.js'
import { formatBytes, formatMs } from './report-format.js'
import { sum, type ReportGroup } from './report-model.js'

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

/**
 * One line per correct run whose margin of error did not reach its target (its budget held too few
 * iterations, or the maximum ran out), so a wide margin is never read as a precise figure.
 */
export function marginShortfalls(group: ReportGroup): string[] {
  return group.rows.flatMap(({ run, label }) => {
    const stop = run.iterationStop
    if (run.status !== 'ok' || !stop || (stop.reason !== 'budget' && stop.reason !== 'max-iterations'))
      return []
    return [`${label}: ${stop.detail}`]
  })
}

/** How the built-in strategies' own figures read; any other is shown as `name: value`. */
const FIGURE_WORDS: Readonly<Record<string, (value: number) => string>> = {
  writesBlockedMs: (v) => `writes blocked for ${formatMs(v)} (its lock, held through the copy and the swap)`,
  partitionsDropped: (v) => `${v} whole ${v === 1 ? 'partition' : 'partitions'} dropped`,
  schemaChangeMs: (v) => `schema change (FKs dropped, queue and triggers installed) ${formatMs(v)}`,
  userDeleteMs: (v) => `user-facing delete ${formatMs(v)}`,
  cleanupMs: (v) => `cleanup ${formatMs(v)}`,
  cleanupPasses: (v) => `${v} cleanup ${v === 1 ? 'pass' : 'passes'}`,
  backlogPeak: (v) => `backlog peak ${v} queued keys`,
}

/**
 * One line per run that recorded figures of its own (`ctx.record`): copy-swap's lock window, say; and
 * for a strategy with a client of its own, where its statement counts came from.
 */
export function strategyFigures(group: ReportGroup): string[] {
  return group.rows.flatMap(({ run, label }) => {
    const figures = Object.entries(run.figures ?? {})
    const source = run.statementsSource ? [`statements from ${run.statementsSource.note}`] : []
    if (figures.length === 0 && source.length === 0) return []
    const words = figures.map(([name, value]) => FIGURE_WORDS[name]?.(value) ?? `${name}: ${value}`)
    return [`${label}: ${[...source, ...words].join('; ')}`]
  })
}
