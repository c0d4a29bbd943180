import { subqueryDeletionSql, touchSql } from '../scenarios/target-sql.js'
import { checkAbort } from '../core/abort.js'
import type { Strategy } from './strategy.js'
import { runStatement, touchKey } from './strategy-sql.js'

/**
 * The fix of field report 1: keep the collector's idea (walk the FK graph, children before parents)
 * but load nothing: one `DELETE ... WHERE fk IN (SELECT ...)` per table, callbacks set-based, no
 * signals, all in one transaction.
 */
export const collectorSubquery: Strategy = {
  name: 'collector-subquery',
  description:
    'one DELETE per table with sub-queries on the target, children first, set-based callbacks, one transaction; no signals',
  reads: [],
  async run(ctx) {
    const keyOf = touchKey(ctx)
    let deleted = 0
    await ctx.conn.transaction(async () => {
      for (const statement of touchSql(
        ctx.plan,
        ctx.callbacks,
        keyOf,
        ctx.target.where,
        ctx.target.params,
        ctx.deletedAt,
      )) {
        checkAbort(ctx.abort)
        await ctx.run(statement)
      }
      for (const statement of subqueryDeletionSql(ctx.plan, ctx.target.where, ctx.target.params)) {
        const affected = await runStatement(ctx, statement)
        // UPDATEs of set-null dependents change rows but delete none.
        if (/^DELETE/.test(statement.sql)) deleted += affected
        ctx.progress(deleted)
      }
    })
  },
}
