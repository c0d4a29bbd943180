import type { Connection } from '../db/connection.js'
import type { CellValue } from '../core/table-spec.js'
import type { PlanStep } from '../scenarios/deletion-plan.js'
import { checkAbort } from '../core/abort.js'
import { keyEquals, keysOf, noKeyRefusal, targetKeys, touchKey, type RowKey } from './strategy-sql.js'
import type { CallbackSpec } from '../scenarios/scenario.js'
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
  unsupported: (_dialect, _capabilities, plan) => noKeyRefusal(plan),
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

/**
 * Destroys one row: its dependents first (a tree's children before their parent, the walk following the
 * self-reference), set-null references nulled, then the row, its callbacks and signals.
 */
async function destroy(
  ctx: StrategyContext,
  tx: Connection,
  step: PlanStep,
  key: RowKey,
  state: { deleted: number },
  destroyed: Set<string>,
): Promise<void> {
  const id = `${step.table}:${JSON.stringify(key)}`
  if (destroyed.has(id)) return
  destroyed.add(id)
  checkAbort(ctx.abort)
  const { rows } = await ctx.run(
    { sql: `SELECT * FROM ${step.table} WHERE ${keyEquals(step.primaryKey)}`, params: key },
    tx,
  )
  const row = rows[0]
  if (!row) return
  ctx.signals.send('pre_delete', step.table, row)
  // Dependents by association: each loaded by its foreign key, then destroyed one by one.
  for (const child of ctx.plan.steps) {
    for (const edge of child.via.filter((e) => e.parent === step.table)) {
      const byParent = {
        where: keyEquals(edge.columns),
        params: edge.referencedColumns.map((c) => row[c] as CellValue),
      }
      if (child.action === 'set null') {
        await ctx.run(
          {
            sql: `UPDATE ${child.table} SET ${edge.columns.map((c) => `${c} = NULL`).join(', ')} WHERE ${byParent.where}`,
            params: byParent.params,
          },
          tx,
        )
        continue
      }
      if (child.primaryKey.length === 0) {
        // Rows without a key cannot be destroyed one by one: an ORM deletes them by the parent's key in
        // one statement (after loading them for their signals).
        await destroyKeyless(ctx, tx, child, byParent, state)
        continue
      }
      const { rows: children } = await ctx.run(
        {
          sql: `SELECT ${child.primaryKey.join(', ')} FROM ${child.table} WHERE ${byParent.where}`,
          params: byParent.params,
        },
        tx,
      )
      for (const childKey of keysOf(children, child.primaryKey))
        await destroy(ctx, tx, child, childKey, state, destroyed)
    }
  }
  state.deleted += (
    await ctx.run({ sql: `DELETE FROM ${step.table} WHERE ${keyEquals(step.primaryKey)}`, params: key }, tx)
  ).affected
  await touchParents(ctx, tx, step.table, row)
  ctx.signals.send('post_delete', step.table, row)
}

/** A keyless dependent's rows of one parent: loaded for their signals, deleted in one statement. */
async function destroyKeyless(
  ctx: StrategyContext,
  tx: Connection,
  step: PlanStep,
  byParent: { readonly where: string; readonly params: readonly CellValue[] },
  state: { deleted: number },
): Promise<void> {
  const { rows } = await ctx.run(
    { sql: `SELECT * FROM ${step.table} WHERE ${byParent.where}`, params: byParent.params },
    tx,
  )
  if (rows.length === 0) return
  for (const row of rows) ctx.signals.send('pre_delete', step.table, row)
  state.deleted += (
    await ctx.run({ sql: `DELETE FROM ${step.table} WHERE ${byParent.where}`, params: byParent.params }, tx)
  ).affected
  for (const row of rows) {
    await touchParents(ctx, tx, step.table, row)
    ctx.signals.send('post_delete', step.table, row)
  }
}

/** The touches of a deleted row of `table`: each parent loaded, then its timestamp set (ORM `touch: true`). */
async function touchParents(
  ctx: StrategyContext,
  tx: Connection,
  table: string,
  row: Record<string, unknown>,
): Promise<void> {
  for (const cb of ctx.callbacks)
    if (cb.kind === 'touch' && cb.table === table)
      await touchParent(ctx, tx, cb, row[cb.foreignKey] as CellValue)
}

async function touchParent(
  ctx: StrategyContext,
  tx: Connection,
  cb: Extract<CallbackSpec, { kind: 'touch' }>,
  parentValue: CellValue,
): Promise<void> {
  const parentKey = touchKey(ctx)(cb.parent)
  const { rows: parents } = await ctx.run(
    { sql: `SELECT * FROM ${cb.parent} WHERE ${parentKey} = ?`, params: [parentValue] },
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
