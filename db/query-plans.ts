import type { ProbedSession } from './work-counters.js'

/** A foreign key's check or cascade the statement fired, as EXPLAIN ANALYZE timed it. */
export interface ConstraintTrigger {
  /** The constraint's name, as the plan prints it. */
  readonly constraint: string
  /** The referencing table and its columns: what the check or cascade searches. */
  readonly table: string
  readonly columns: readonly string[]
  /** Time spent in the trigger over all its calls, ms. */
  readonly ms: number
  readonly calls: number
}

/** A nested loop whose inner side reads a table whole, once per row of its outer side. */
export interface NestedLoopScan {
  readonly table: string
  /** The condition the inner side filters by (its Filter or the loop's Join Filter), as printed. */
  readonly condition: string
}

/** A sort that did not fit in memory and spilled to disk. */
export interface DiskSort {
  /** The table whose rows it sorted, where one is read below the sort. */
  readonly table: string | null
  /** The sort key as printed, without table prefixes. */
  readonly key: string
  readonly diskKb: number
}

/** A statement's plan as the database chose it. */
export interface QueryPlan {
  /** The plan as the database prints it, one line per step. */
  readonly text: string
  /** Tables the plan reads whole (a sequential scan), by name. */
  readonly fullScans: readonly string[]
  /** Whether the statement ran (EXPLAIN ANALYZE in a transaction rolled back): its figures are measured. */
  readonly analyzed?: boolean
  /** The statement's own time where it ran (one call), ms. */
  readonly executionMs?: number
  /** Foreign-key checks and cascades it fired, with their time (analyzed plans only). */
  readonly constraintTriggers?: readonly ConstraintTrigger[]
  readonly nestedLoopScans?: readonly NestedLoopScan[]
  /** Sorts that spilled to disk (analyzed plans only: only then does the database know). */
  readonly diskSorts?: readonly DiskSort[]
}

/** Asks the database for a statement's plan (`EXPLAIN`, `EXPLAIN QUERY PLAN`). */
export interface QueryPlanner {
  /** The plan without executing the statement. */
  explain(session: ProbedSession, sql: string, params: readonly unknown[]): Promise<QueryPlan>
  /**
   * The plans of `statements` executed in that order, their steps and triggers timed, inside one
   * transaction that is rolled back (call it on a scratch copy only): each statement finds the rows the
   * ones before it left, as in the strategy's own run. A statement that fails (or outlasts
   * `statementMs`) is undone alone and answered by its error; none starts after `totalMs`. Absent where
   * the database cannot do that safely (a statement it cannot roll back, or no measured plan to show).
   */
  analyze?(
    session: ProbedSession,
    statements: readonly { readonly sql: string; readonly params: readonly unknown[] }[],
    limits: { readonly statementMs: number; readonly totalMs: number },
  ): Promise<(QueryPlan | string)[]>
}

/** The names in `text` matched by `pattern`'s first group, once each, quotes removed. */
export function scannedTables(text: string, pattern: RegExp): string[] {
  return [...new Set([...text.matchAll(pattern)].map((m) => (m[1] ?? '').replace(/["`]/g, '')))]
}
