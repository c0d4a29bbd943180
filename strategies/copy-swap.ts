import { randomBytes } from 'node:crypto'
import type { TableSpec } from '../core/table-spec.js'
import { touchSql, type PortableSql } from '../scenarios/target-sql.js'
import { checkAbort } from '../core/abort.js'
import type { Strategy, StrategyContext } from './strategy.js'
import { selfReferenceRefusal, touchKey } from './strategy-sql.js'

/**
 * When most rows go, keeping the few is cheaper than deleting the many: copy the survivors into a new
 * table of the same definition, swap it in under the old name, drop the old table. Writers wait on a lock
 * for the whole copy (the `writesBlockedMs` figure; foreground traffic shows it); readers go on until
 * the swap itself. Only a table nothing references can be swapped: a dependent's foreign keys would go
 * on pointing at the old table. The lock protocol is the dialect's table swap: one transaction where
 * DDL is transactional, a RENAME queued behind the copy's lock (as gh-ost does) where it is not.
 */
export const copySwap: Strategy = {
  name: 'copy-swap',
  description:
    'copy the survivors into a new table, swap it in atomically, drop the old one; writers wait for the copy',
  reads: [],
  unsupported(dialect, capabilities, plan, setting) {
    const root = plan.rootStep
    const self = selfReferenceRefusal(plan)
    if (self) return self
    const dependents = plan.steps.filter((s) => s !== root).map((s) => s.table)
    if (dependents.length > 0)
      return `${root.table} is referenced by ${[...new Set(dependents)].join(', ')}: their foreign keys would keep pointing at the old table, and their rows would need copying too; use batched or key-table`
    const table = setting.tables.find((t) => t.name === root.table)
    if (table?.partitions)
      return `${root.table} is partitioned: drop whole partitions instead (partition-drop)`
    return table && dialect.tableSwap.refused(table, capabilities)
  },
  async run(ctx) {
    const root = ctx.plan.rootStep
    const table = ctx.tables.find((t) => t.name === root.table)
    if (!table) return
    checkAbort(ctx.abort)
    const copy = `${table.name}_swap_${randomBytes(3).toString('hex')}`
    // The `touch` callbacks, set-based, applied while writers wait.
    const touches = touchSql(
      ctx.plan,
      ctx.callbacks,
      touchKey(ctx),
      ctx.target.where,
      ctx.target.params,
      ctx.deletedAt,
    )
    const blocked = await ctx.dialect.tableSwap.swap({
      table,
      copy,
      touched: [...new Set(ctx.callbacks.flatMap((cb) => (cb.kind === 'touch' ? [cb.parent] : [])))],
      conn: ctx.conn,
      openConnection: () => ctx.openConnection(),
      touch: async (on) => {
        for (const touch of touches) await ctx.run(touch, on)
      },
      copySurvivors: async (on) => {
        await ctx.run(copySurvivors(ctx, table, copy), on)
      },
      abort: ctx.abort,
    })
    ctx.record('writesBlockedMs', Math.round(blocked))
    for (const sql of ctx.dialect.schema.analyzeTable(table)) await ctx.conn.query(sql)
  },
}

/** `INSERT INTO copy SELECT … WHERE the target predicate is not true` (NULL is not a target either). */
function copySurvivors(ctx: StrategyContext, table: TableSpec, copy: string): PortableSql {
  const columns = table.columns.map((c) => c.name).join(', ')
  return {
    sql: `INSERT INTO ${copy} (${columns}) SELECT ${columns} FROM ${table.name} WHERE (${ctx.target.where}) IS NOT TRUE`,
    params: ctx.target.params,
  }
}
