import { checkAbort } from '../core/abort.js'
import type { Strategy } from './strategy.js'

/**
 * One `DELETE FROM root WHERE predicate`. It relies on ON DELETE CASCADE for dependents: against
 * restricting foreign keys the database refuses, and that refusal is the result. Callbacks are skipped.
 */
export const naiveBulk: Strategy = {
  name: 'naive-bulk',
  description: 'one DELETE ... WHERE on the target table; relies on ON DELETE CASCADE; skips callbacks',
  reads: [],
  async run(ctx) {
    const root = ctx.plan.rootStep
    checkAbort(ctx.abort)
    const { affected } = await ctx.run({
      sql: `DELETE FROM ${root.table} WHERE ${ctx.target.where}`,
      params: ctx.target.params,
    })
    ctx.progress(affected)
  },
}
