import type { ProbedSession } from './work-counters.js'

/** A statement's plan as the database chose it, without running the statement. */
export interface QueryPlan {
  /** The plan as the database prints it, one line per step. */
  readonly text: string
  /** Tables the plan reads whole (a sequential scan), by name. */
  readonly fullScans: readonly string[]
}

/** Asks the database for a statement's plan without executing it (`EXPLAIN`, `EXPLAIN QUERY PLAN`). */
export interface QueryPlanner {
  explain(session: ProbedSession, sql: string, params: readonly unknown[]): Promise<QueryPlan>
}

/** The names in `text` matched by `pattern`'s first group, once each, quotes removed. */
export function scannedTables(text: string, pattern: RegExp): string[] {
  return [...new Set([...text.matchAll(pattern)].map((m) => (m[1] ?? '').replace(/["`]/g, '')))]
}
