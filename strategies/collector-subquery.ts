import { subqueryDeletionSql } from '../scenarios/target-sql.js'
import type { Strategy } from './strategy.js'
import { runStatement, touchAllTargets } from './strategy-sql.js'

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
    let deleted = 0
    await ctx.conn.transaction(async () => {
      await touchAllTargets(ctx)
      for (const statement of subqueryDeletionSql(ctx.plan, ctx.target.where, ctx.target.params)) {
        const affected = await runStatement(ctx, statement)
        // UPDATEs of set-null dependents change rows but delete none.
        if (/^DELETE/.test(statement.sql)) deleted += affected
        ctx.progress(deleted)
      }
    })
  },
}
