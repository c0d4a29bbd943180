import type { Connection } from '../db/connection.js'
import type { CellValue } from '../core/table-spec.js'
import type { PlanStep } from '../scenarios/deletion-plan.js'
import { checkAbort } from '../core/abort.js'
import { keysOf, targetKeys } from './strategy-sql.js'
import type { Strategy, StrategyContext } from './strategy.js'

/**
 * An ORM's `destroy` per target row (Rails `dependent: :destroy`, Django's per-object delete), each
 * target row in its own transaction: load the row, load its dependents by association and destroy each
 * the same way (recursively), null `set null` references, delete the row, run its callbacks (a touch
 * loads the parent and updates it), and send pre/post-delete signals to the registered receivers.
 */
export const perRowCallbacks: Strategy = {
  name: 'per-row-callbacks',
  description:
    'ORM destroy per target row in its own transaction: load, destroy dependents one by one, callbacks and signals per row',
  reads: [],
  async run(ctx) {
    const root = ctx.plan.rootStep
    const keys = await targetKeys(ctx, root)
    const state = { deleted: 0 }
    for (const key of keys) {
      await ctx.conn.transaction(async (tx) => destroy(ctx, tx, root, key, state, new Set()))
      ctx.progress(state.deleted)
    }
  },
}

async function destroy(
  ctx: StrategyContext,
  tx: Connection,
  step: PlanStep,
  key: CellValue,
  state: { deleted: number },
  destroyed: Set<string>,
): Promise<void> {
  const id = `${step.table}:${String(key)}`
  if (destroyed.has(id)) return
  destroyed.add(id)
  checkAbort(ctx.abort)
  const { rows } = await ctx.run(
    { sql: `SELECT * FROM ${step.table} WHERE ${step.primaryKey} = ?`, params: [key] },
    tx,
  )
  const row = rows[0]
  if (!row) return
  ctx.signals.send('pre_delete', step.table, row)
  // Dependents by association: each loaded by its foreign key, then destroyed one by one.
  for (const child of ctx.plan.steps) {
    for (const edge of child.via.filter((e) => e.parent === step.table)) {
      if (child.action === 'set null') {
        await ctx.run(
          { sql: `UPDATE ${child.table} SET ${edge.column} = NULL WHERE ${edge.column} = ?`, params: [key] },
          tx,
        )
        continue
      }
      const { rows: children } = await ctx.run(
        { sql: `SELECT ${child.primaryKey} FROM ${child.table} WHERE ${edge.column} = ?`, params: [key] },
        tx,
      )
      for (const childKey of keysOf(children, child.primaryKey))
        await destroy(ctx, tx, child, childKey, state, destroyed)
    }
  }
  state.deleted += (
    await ctx.run({ sql: `DELETE FROM ${step.table} WHERE ${step.primaryKey} = ?`, params: [key] }, tx)
  ).affected
  for (const cb of ctx.callbacks) {
    if (cb.kind !== 'touch' || cb.table !== step.table) continue
    const parentKey = ctx.tables.find((t) => t.name === cb.parent)?.primaryKey ?? 'id'
    const { rows: parents } = await ctx.run(
      { sql: `SELECT * FROM ${cb.parent} WHERE ${parentKey} = ?`, params: [row[cb.foreignKey] as CellValue] },
      tx,
    )
    if (parents[0]) {
      await ctx.run(
        {
          sql: `UPDATE ${cb.parent} SET ${cb.column} = ? WHERE ${parentKey} = ?`,
          params: [ctx.deletedAt, parents[0][parentKey] as CellValue],
        },
        tx,
      )
    }
  }
  ctx.signals.send('post_delete', step.table, row)
}
