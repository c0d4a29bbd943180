import type { CellValue } from '../db/table-spec.js'
import { subqueryDeletionSql, touchSql } from '../scenarios/target-sql.js'
import { checkAbort, deleteInTransaction, keysOf, placeholders, sleep } from './sql-lists.js'
import type { Strategy, StrategyContext } from './strategy.js'

/** Attempts per batch when it meets a deadlock or a lock timeout. */
const ATTEMPTS = 5

/**
 * Keyset batches (field reports 3 and 4): take the next `--batch-size` target keys after the last one
 * (`pk > last ORDER BY pk LIMIT n`), and per batch, in one transaction, apply callbacks set-based,
 * delete dependents children first, delete the batch. Optional sleep between batches; a batch that
 * meets a deadlock or lock timeout is retried; a single-runner lock keeps two cleanups from overlapping.
 */
export const batched: Strategy = {
  name: 'batched',
  description:
    'keyset batches of batch-size targets, one transaction each: set-based callbacks, dependents, targets; retry, lock, sleep',
  reads: ['batchSize', 'sleepMs'],
  async run(ctx) {
    const root = ctx.plan.steps.at(-1)
    if (!root) return
    const release = await ctx.acquireLock(`delbench_batched_${root.table}`)
    try {
      const pk = root.primaryKey
      let last: CellValue | undefined
      let deleted = 0
      for (;;) {
        checkAbort(ctx.abort)
        const after = last === undefined ? '' : ` AND ${pk} > ?`
        const { rows } = await ctx.run({
          sql: `SELECT ${pk} FROM ${root.table} WHERE (${ctx.target.where})${after} ORDER BY ${pk} LIMIT ${ctx.options.batchSize}`,
          params: last === undefined ? ctx.target.params : [...ctx.target.params, last],
        })
        const keys = keysOf(rows, pk)
        if (keys.length === 0) return
        deleted += await deleteBatch(ctx, pk, keys)
        ctx.progress(deleted)
        last = keys[keys.length - 1]
        await sleep(ctx.options.sleepMs, ctx.abort)
      }
    } finally {
      await release()
    }
  },
}

async function deleteBatch(ctx: StrategyContext, pk: string, keys: readonly CellValue[]): Promise<number> {
  const where = `${pk} IN (${placeholders(keys.length)})`
  const keyOf = (table: string) => ctx.tables.find((t) => t.name === table)?.primaryKey ?? 'id'
  const statements = [
    ...touchSql(ctx.plan, ctx.callbacks, keyOf, where, keys, ctx.deletedAt),
    ...subqueryDeletionSql(ctx.plan, where, keys),
  ]
  for (let attempt = 1; ; attempt++) {
    try {
      return await deleteInTransaction(ctx, statements)
    } catch (error) {
      if (attempt >= ATTEMPTS || !ctx.dialect.isRetryable(error)) throw error
      // Back off a little longer each time, so the other transaction can finish.
      await sleep(50 * attempt, ctx.abort)
    }
  }
}
