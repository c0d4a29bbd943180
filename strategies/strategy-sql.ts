import type { InstrumentedConnection } from '../db/instrumented-connection.js'
import type { CellValue } from '../core/table-spec.js'
import type { PlanStep } from '../scenarios/deletion-plan.js'
import type { PortableSql } from '../scenarios/target-sql.js'
import type { StrategyContext } from './strategy.js'
import { checkAbort } from '../core/abort.js'

/** The keys of a result, in order. */
export function keysOf(rows: readonly Record<string, unknown>[], column: string): CellValue[] {
  return rows.map((r) => r[column] as CellValue)
}

/** Every target key, in key order: the one SELECT the per-row strategies start with. */
export async function targetKeys(ctx: StrategyContext, root: PlanStep): Promise<CellValue[]> {
  const { rows } = await ctx.run({
    sql: `SELECT ${root.primaryKey} FROM ${root.table} WHERE ${ctx.target.where} ORDER BY ${root.primaryKey}`,
    params: ctx.target.params,
  })
  return keysOf(rows, root.primaryKey)
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
      checkAbort(ctx.abort)
      const { affected } = await ctx.run(statement, tx)
      if (statement.sql.startsWith('DELETE')) deleted += affected
    }
    return deleted
  })
}
