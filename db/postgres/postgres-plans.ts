import { scannedTables, type QueryPlan, type QueryPlanner } from '../query-plans.js'
import type { ProbedSession } from '../work-counters.js'
import { diskSorts, executionMs, nestedLoopScans, triggerTimes } from './postgres-plan-text.js'

const planText = (rows: readonly { 'QUERY PLAN': string }[]) => rows.map((r) => r['QUERY PLAN']).join('\n')

/** What the plan text says, whether it ran or not. */
const parsed = (text: string) => ({
  text,
  fullScans: scannedTables(text, /Seq Scan on ("[^"]+"|\S+)/g),
  nestedLoopScans: nestedLoopScans(text),
})

/** The referencing table and columns of each named foreign key (a name may be reused across tables). */
async function constraintColumns(
  session: ProbedSession,
  names: readonly string[],
): Promise<Map<string, { table: string; columns: string[] }[]>> {
  const byName = new Map<string, { table: string; columns: string[] }[]>()
  if (names.length === 0) return byName
  const { rows } = await session.probe<{ conname: string; tbl: string; cols: string[] }>(
    `SELECT c.conname, cl.relname AS tbl,
            ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(num, ord)
                  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num ORDER BY k.ord) AS cols
       FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid
      WHERE c.contype = 'f' AND c.conname = ANY($1::text[])`,
    [names],
  )
  for (const r of rows)
    byName.set(r.conname, [...(byName.get(r.conname) ?? []), { table: r.tbl, columns: r.cols }])
  return byName
}

export const postgresPlans: QueryPlanner = {
  explain: async (session, sql, params) => {
    // Plain EXPLAIN plans with the parameters bound and executes nothing.
    const { rows } = await session.probe<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)
    return parsed(planText(rows))
  },
  // Every statement PostgreSQL runs is transactional: rolled back, it leaves the rows as they were
  // (a sequence's next value aside, on a scratch copy). Each runs under a savepoint, so one that fails
  // (a temporary table the strategy made is not there) undoes itself alone.
  analyze: async (session, statements, limits) => {
    const started = performance.now()
    const plans: (QueryPlan | string)[] = []
    await session.probe('BEGIN')
    try {
      for (const { sql, params } of statements) {
        const left = Math.min(limits.statementMs, limits.totalMs - (performance.now() - started))
        if (left < 100) {
          plans.push('the time for timing plans was spent')
          continue
        }
        await session.probe(`SET LOCAL statement_timeout = ${Math.round(left)}`)
        await session.probe('SAVEPOINT delbench_plan')
        try {
          plans.push(await analyzed(session, sql, params))
          await session.probe('RELEASE SAVEPOINT delbench_plan')
        } catch (e) {
          await session.probe('ROLLBACK TO SAVEPOINT delbench_plan')
          plans.push(e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e))
        }
      }
      return plans
    } finally {
      await session.probe('ROLLBACK')
    }
  },
}

/** One statement's EXPLAIN ANALYZE, its constraint triggers named by their table and columns. */
async function analyzed(session: ProbedSession, sql: string, params: readonly unknown[]): Promise<QueryPlan> {
  const { rows } = await session.probe<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE) ${sql}`, params)
  const text = planText(rows)
  const triggers = triggerTimes(text)
  const columns = await constraintColumns(
    session,
    triggers.map((t) => t.constraint),
  )
  const ms = executionMs(text)
  return {
    ...parsed(text),
    analyzed: true,
    ...(ms === undefined ? {} : { executionMs: ms }),
    constraintTriggers: triggers.flatMap((t) =>
      (columns.get(t.constraint) ?? []).map((c) => ({ ...t, table: c.table, columns: c.columns })),
    ),
    diskSorts: diskSorts(text),
  }
}
