// A complete delbench strategy plug-in: `delbench run --strategy examples/strategies/newest-first.mjs`.
// It deletes the target in keyset batches from the newest row down, one transaction per batch.
// A strategy is an object with a name, a one-line description, an optional `unsupported` check and
// `run(ctx)`; see the README ("Writing a strategy") for everything `ctx` offers.

/** `?, ?, ?` for n values. */
const placeholders = (n) => new Array(n).fill('?').join(', ')

export default {
  name: 'newest-first',
  description: 'keyset batches from the newest target row down, one transaction each (target table only)',

  // Called before the run: a reason string makes the result `unsupported` instead of failing.
  unsupported(_dialect, _capabilities, plan) {
    if (plan.steps.length > 1)
      return 'deletes from the target table only, and this scenario has dependent tables'
    return undefined
  },

  async run(ctx) {
    const root = ctx.plan.steps.at(-1)
    const pk = root.primaryKey
    let last
    let deleted = 0
    for (;;) {
      // Portable SQL: `?` placeholders, rewritten for the database by ctx.run.
      const { rows } = await ctx.run({
        sql:
          `SELECT ${pk} FROM ${root.table} WHERE (${ctx.target.where})` +
          (last === undefined ? '' : ` AND ${pk} < ?`) +
          ` ORDER BY ${pk} DESC LIMIT ${ctx.options.batchSize}`,
        params: last === undefined ? ctx.target.params : [...ctx.target.params, last],
      })
      if (rows.length === 0) return
      const keys = rows.map((row) => row[pk])
      await ctx.conn.transaction(async (tx) => {
        const { affected } = await ctx.run(
          { sql: `DELETE FROM ${root.table} WHERE ${pk} IN (${placeholders(keys.length)})`, params: keys },
          tx,
        )
        deleted += affected
      })
      ctx.progress(deleted)
      last = keys[keys.length - 1]
    }
  },
}
