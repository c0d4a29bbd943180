import { subqueryDeletionSql } from '../scenarios/target-sql.js'
import { checkAbort, keysOf } from './sql-lists.js'
import type { Strategy } from './strategy.js'

/**
 * The loop that took 7 hours in field report 1 and 49 s in report 2: select the target keys, then for
 * each key delete its dependents and the row itself, one statement per table, each in autocommit.
 * No callbacks.
 */
export const perRow: Strategy = {
  name: 'per-row',
  description: 'one DELETE per table per target row, each in autocommit (delete-each-by-id); no callbacks',
  reads: [],
  async run(ctx) {
    const root = ctx.plan.steps.at(-1)
    if (!root) return
    const { rows } = await ctx.run({
      sql: `SELECT ${root.primaryKey} FROM ${root.table} WHERE ${ctx.target.where} ORDER BY ${root.primaryKey}`,
      params: ctx.target.params,
    })
    let deleted = 0
    for (const key of keysOf(rows, root.primaryKey)) {
      for (const statement of subqueryDeletionSql(ctx.plan, `${root.primaryKey} = ?`, [key])) {
        checkAbort(ctx.abort)
        deleted += (await ctx.run(statement)).affected
      }
      ctx.progress(deleted)
    }
  },
}
