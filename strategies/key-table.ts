import { randomBytes } from 'node:crypto'
import type { SqlAdapter } from '../db/dialect.js'
import type { CellValue } from '../core/table-spec.js'
import { selfEdges, type PlanStep } from '../scenarios/deletion-plan.js'
import { stepDeletionSql, touchSql, type PortableSql } from '../scenarios/target-sql.js'
import { checkAbort } from '../core/abort.js'
import { deleteInTransaction, touchKey } from './strategy-sql.js'
import type { Strategy, StrategyContext } from './strategy.js'

const singleColumn = (columns: readonly string[]) => (columns.length === 1 ? columns[0] : undefined)

/**
 * A step deleted by joining the key table, where the dialect's DELETE can join: the root itself, or a
 * table whose rows hang directly off the root by one foreign key. Deeper dependents and set-null
 * updates keep the sub-query form.
 */
function joinDelete(
  adapter: SqlAdapter,
  step: PlanStep,
  root: PlanStep,
  keys: string,
  range: readonly CellValue[],
): PortableSql | undefined {
  // A tree's step keeps the sub-query form: its rows are a recursive selection, not the keys alone. A
  // tree root's dependents do too: they hang off the targets' whole subtrees, not off the keys alone.
  if (selfEdges(step).length > 0 || selfEdges(root).length > 0) return undefined
  const column =
    step.relation === 'root'
      ? step.primaryKey[0]
      : step.action === 'delete' && step.via.length === 1 && step.via[0]?.parent === root.table
        ? singleColumn(step.via[0].columns)
        : undefined
  if (column === undefined || !adapter.deleteJoining) return undefined
  const sql = adapter.deleteJoining({ table: step.table, column, keys, where: 'k.id > ? AND k.id <= ?' })
  return { sql, params: range }
}

/**
 * The target keys collected once into a key table in the working database, then deleted in batches of
 * `--batch-size` keys over it: per batch, in one transaction, set-based callbacks, dependents and the
 * targets, joined to the key table (`DELETE … USING` on PostgreSQL, a multi-table `DELETE` on MySQL,
 * `IN (SELECT …)` on SQLite). The target predicate is evaluated once, not once per batch; batches are
 * key ranges of the key table, so no batch re-scans what an earlier one deleted.
 */
export const keyTable: Strategy = {
  name: 'key-table',
  description:
    'target keys into a key table once, then batches joined to it: callbacks, dependents, targets, one transaction each',
  reads: ['batchSize'],
  unsupported: (_dialect, _capabilities, plan, setting) => {
    const root = plan.rootStep
    const table = setting.tables.find((t) => t.name === root.table)
    const type = table?.columns.find((c) => c.name === root.primaryKey[0])?.type
    return root.primaryKey.length === 1 && (type === 'integer' || type === 'bigint')
      ? undefined
      : `${root.table} has no single integer primary key: the key table holds one BIGINT key per target; use batched`
  },
  async run(ctx) {
    const root = ctx.plan.rootStep
    // A plain table with a unique name rather than a TEMPORARY one: MySQL cannot name a temporary
    // table twice in one statement, and set-null updates do.
    const keys = `delbench_keys_${randomBytes(4).toString('hex')}`
    await ctx.run({ sql: `CREATE TABLE ${keys} (id BIGINT PRIMARY KEY)`, params: [] })
    try {
      await ctx.run({
        sql: `INSERT INTO ${keys} (id) SELECT ${root.primaryKey[0] ?? ''} FROM ${root.table} WHERE ${ctx.target.where}`,
        params: ctx.target.params,
      })
      let last: CellValue = Number.MIN_SAFE_INTEGER
      let deleted = 0
      for (;;) {
        checkAbort(ctx.abort)
        const { rows } = await ctx.run({
          sql: `SELECT MAX(id) AS hi FROM (SELECT id FROM ${keys} WHERE id > ? ORDER BY id LIMIT ${ctx.options.batchSize}) batch_keys`,
          params: [last],
        })
        const hi = rows[0]?.hi as CellValue | undefined
        if (hi === null || hi === undefined) return
        deleted += await deleteRange(ctx, root, keys, [last, hi])
        ctx.progress(deleted)
        last = hi
      }
    } finally {
      await ctx.run({ sql: `DROP TABLE ${keys}`, params: [] })
    }
  },
}

async function deleteRange(
  ctx: StrategyContext,
  root: PlanStep,
  keys: string,
  range: readonly CellValue[],
): Promise<number> {
  const where = `${root.primaryKey[0] ?? ''} IN (SELECT id FROM ${keys} WHERE id > ? AND id <= ?)`
  const keyOf = touchKey(ctx)
  const statements = [
    ...touchSql(ctx.plan, ctx.callbacks, keyOf, where, range, ctx.deletedAt),
    ...ctx.plan.steps.flatMap(
      (step) =>
        joinDelete(ctx.dialect.adapter, step, root, keys, range) ??
        stepDeletionSql(ctx.plan, step, where, range),
    ),
  ]
  return deleteInTransaction(ctx, statements)
}
