/**
 * A run's statement profile as the results file holds it: the templates of the first iteration with
 * their share of its time, and the time spent outside any statement. Pure, so tested on fixed input.
 */
import type { RunRecord } from '../core/results-schema.js'
import type { TemplateFigures } from '../db/statement-profile.js'

export type StatementProfileRecord = NonNullable<RunRecord['profile']>

/** Templates kept in the results; the rest are summed into `omitted` (a strategy writing SQL per row). */
export const MAX_TEMPLATES = 50

const ms = (v: number): number => Math.round(v * 1000) / 1000

/**
 * The profile of one iteration that took `iterationMs`. Statements of parallel connections overlap,
 * so their shares may add up to more than 1; the time outside statements is then 0.
 */
export function profileRecord(
  templates: readonly TemplateFigures[],
  iterationMs: number,
  /** Set for an iteration still under way: how many statements were running. */
  unfinished?: { readonly underWay: number },
): StatementProfileRecord {
  const statementsMs = templates.reduce((sum, t) => sum + t.totalMs, 0)
  const kept = templates.slice(0, MAX_TEMPLATES)
  const rest = templates.slice(MAX_TEMPLATES)
  return {
    covers: unfinished ? 'unfinished-first-iteration' : 'first-iteration',
    ...(unfinished ? { underWay: unfinished.underWay } : {}),
    iterationMs: ms(iterationMs),
    statementsMs: ms(statementsMs),
    outsideStatementsMs: ms(Math.max(0, iterationMs - statementsMs)),
    templates: kept.map((t) => ({
      template: t.template,
      kind: t.kind,
      calls: t.calls,
      totalMs: ms(t.totalMs),
      meanMs: ms(t.meanMs),
      p95Ms: ms(t.p95Ms),
      maxMs: ms(t.maxMs),
      rows: t.rows,
      share: iterationMs > 0 ? Math.round((t.totalMs / iterationMs) * 10000) / 10000 : 0,
    })),
    ...(rest.length > 0
      ? {
          omitted: {
            templates: rest.length,
            calls: rest.reduce((sum, t) => sum + t.calls, 0),
            totalMs: ms(rest.reduce((sum, t) => sum + t.totalMs, 0)),
          },
        }
      : {}),
  }
}
