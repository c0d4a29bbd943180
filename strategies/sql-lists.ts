import type { InstrumentedConnection } from '../db/instrumented-connection.js'
import type { CellValue } from '../db/table-spec.js'
import type { PlanStep } from '../scenarios/deletion-plan.js'
import type { PortableSql } from '../scenarios/target-sql.js'
import type { StrategyContext } from './strategy.js'

/** `?, ?, ?` for n values. */
export function placeholders(n: number): string {
  return new Array(n).fill('?').join(', ')
}

/** Splits values into chunks of at most `size` (a statement's parameter limit, a batch). */
export function chunked<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size))
  return out
}

/** The keys of a result, in order. */
export function keysOf(rows: readonly Record<string, unknown>[], column: string): CellValue[] {
  return rows.map((r) => r[column] as CellValue)
}

/** Resolves after `ms` milliseconds, or at once when aborted. */
export function sleep(ms: number, abort?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    abort?.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/** Stops a strategy between statements once its budget is spent. */
export function checkAbort(abort: AbortSignal): void {
  if (abort.aborted) throw abort.reason instanceof Error ? abort.reason : new Error('aborted')
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
