import type { Connection } from '../db/connection.js'
import type { InstrumentedConnection } from '../db/instrumented-connection.js'
import type { CellValue } from '../core/table-spec.js'
import { selfEdges, type DeletionPlan, type PlanStep } from '../scenarios/deletion-plan.js'
import { touchSql, type PortableSql } from '../scenarios/target-sql.js'
import type { StrategyContext } from './strategy.js'
import { checkAbort } from '../core/abort.js'

/** A row's key: its primary-key values in key-column order (one value for a surrogate key). */
export type RowKey = readonly CellValue[]

/** The keys of a result, in order. */
export function keysOf(rows: readonly Record<string, unknown>[], columns: readonly string[]): RowKey[] {
  return rows.map((r) => columns.map((c) => r[c] as CellValue))
}

/** `a = ? AND b = ?`: one row by its key (or one parent's rows by an FK's columns). */
export function keyEquals(columns: readonly string[]): string {
  return columns.map((c) => `${c} = ?`).join(' AND ')
}

/** Every target key, in key order: the one SELECT the per-row strategies start with. */
export async function targetKeys(ctx: StrategyContext, root: PlanStep): Promise<RowKey[]> {
  const key = root.primaryKey.join(', ')
  const { rows } = await ctx.run({
    sql: `SELECT ${key} FROM ${root.table} WHERE ${ctx.target.where} ORDER BY ${key}`,
    params: ctx.target.params,
  })
  return keysOf(rows, root.primaryKey)
}

/** The target table's one key column, for strategies that batch or range over a single key. */
export function singleKey(step: PlanStep): string | undefined {
  return step.primaryKey.length === 1 ? step.primaryKey[0] : undefined
}

/** Why a strategy that addresses target rows by key cannot run: the target table has no primary key. */
export function noKeyRefusal(plan: DeletionPlan): string | undefined {
  return plan.rootStep.primaryKey.length === 0
    ? `${plan.root} has no primary key: its target rows cannot be addressed by key; use collector-subquery or naive-bulk`
    : undefined
}

/** Why a strategy that copies, swaps or drops the target table whole cannot: the table references itself. */
export function selfReferenceRefusal(plan: DeletionPlan): string | undefined {
  return selfEdges(plan.rootStep).length > 0
    ? `${plan.root} references itself: its subtrees must go with it, row by row or by a recursive selection`
    : undefined
}

/**
 * Runs one statement (on `on`, or the strategy's connection), again while it affects rows when it says
 * `repeat` (a tree deleted a level at a time); returns the rows affected in all.
 */
export async function runStatement(
  ctx: StrategyContext,
  statement: PortableSql,
  on?: Connection,
): Promise<number> {
  let total = 0
  for (;;) {
    checkAbort(ctx.abort)
    const { affected } = await ctx.run(statement, on)
    total += affected
    if (!statement.repeat || affected === 0) return total
  }
}

/**
 * Runs statements in one transaction (on `conn`, the strategy's connection by default), stopping at an
 * abort; returns the rows the DELETEs removed.
 */
export function deleteInTransaction(
  ctx: StrategyContext,
  statements: readonly PortableSql[],
  conn: InstrumentedConnection = ctx.conn,
): Promise<number> {
  return conn.transaction(async (tx) => {
    let deleted = 0
    for (const statement of statements) {
      const affected = await runStatement(ctx, statement, tx)
      if (statement.sql.startsWith('DELETE')) deleted += affected
    }
    return deleted
  })
}

/** A table's single key column for `touch` callbacks (validation requires touched tables to have one). */
export function touchKey(ctx: StrategyContext): (table: string) => string {
  return (table) => ctx.tables.find((t) => t.name === table)?.primaryKey[0] ?? 'id'
}

/** The `touch` callbacks of every target, set-based (one UPDATE per callback), before the rows go. */
export async function touchAllTargets(ctx: StrategyContext, on?: Connection): Promise<void> {
  const { plan, callbacks, target, deletedAt } = ctx
  for (const statement of touchSql(plan, callbacks, touchKey(ctx), target.where, target.params, deletedAt)) {
    checkAbort(ctx.abort)
    await ctx.run(statement, on)
  }
}
