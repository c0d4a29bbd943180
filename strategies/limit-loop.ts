import { checkAbort, sleep } from '../core/abort.js'
import type { Strategy } from './strategy.js'
import { noKeyRefusal } from './strategy-sql.js'
import { columnList } from '../scenarios/target-sql.js'

/**
 * Field report 3's loop: delete at most `--batch-size` target rows per statement until a statement
 * deletes none. Native `DELETE ... LIMIT` where the database has it, else a key sub-query with LIMIT.
 * No keyset: every pass searches from the start again, which is what it costs against `batched`.
 * Dependents go only by ON DELETE CASCADE; callbacks are skipped.
 */
export const limitLoop: Strategy = {
  name: 'limit-loop',
  description:
    'DELETE ... LIMIT batch-size repeated until nothing is deleted (no keyset); relies on cascade; skips callbacks',
  reads: ['batchSize', 'sleepMs'],
  unsupported: (_dialect, capabilities, plan) => (capabilities.deleteLimit ? undefined : noKeyRefusal(plan)),
  async run(ctx) {
    const root = ctx.plan.rootStep
    const n = ctx.options.batchSize
    const key = columnList(root.primaryKey)
    const sql = ctx.capabilities.deleteLimit
      ? `DELETE FROM ${root.table} WHERE ${ctx.target.where} LIMIT ${n}`
      : `DELETE FROM ${root.table} WHERE ${key} IN (SELECT ${root.primaryKey.join(', ')} FROM ${root.table} WHERE ${ctx.target.where} LIMIT ${n})`
    let deleted = 0
    for (;;) {
      checkAbort(ctx.abort)
      const { affected } = await ctx.run({ sql, params: ctx.target.params })
      deleted += affected
      ctx.progress(deleted)
      if (affected === 0) return
      await sleep(ctx.options.sleepMs, ctx.abort)
    }
  },
}
