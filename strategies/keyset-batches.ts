import type { InstrumentedConnection } from '../db/instrumented-connection.js'
import type { CellValue } from '../core/table-spec.js'
import { subqueryDeletionSql, touchSql, type PortableSql } from '../scenarios/target-sql.js'
import { checkAbort, sleep } from '../core/abort.js'
import { deleteInTransaction, keysOf, touchKey, type RowKey } from './strategy-sql.js'
import { columnList } from '../scenarios/target-sql.js'
import type { StrategyContext } from './strategy.js'

/** Attempts per batch when it meets a deadlock or a lock timeout. */
const ATTEMPTS = 5

/** Which target rows a keyset loop works through, and on which connection. */
export interface KeysetSlice {
  readonly conn: InstrumentedConnection
  /** Keys above this one only (exclusive); from the first target when absent. */
  readonly after?: CellValue
  /** Keys up to this one only (inclusive); to the last target when absent. */
  readonly upTo?: CellValue
  /** A further condition on the root's rows (a partition's range, say). */
  readonly also?: PortableSql
  /** Awaited before each batch (a throttle waiting for replicas to catch up). */
  readonly beforeBatch?: () => Promise<void>
  /** Called after each batch with the rows it deleted (all tables). */
  readonly onBatch: (deleted: number) => void
  /** Stops the loop between batches (the run's budget, or a sibling worker's failure). */
  readonly abort: AbortSignal
}

/**
 * The keyset loop of field reports 3 and 4: take the next `--batch-size` target keys after the last one
 * (`pk > last ORDER BY pk LIMIT n`), and per batch, in one transaction, apply callbacks set-based,
 * delete dependents children first, delete the batch; sleep `--sleep-ms` between batches. A batch that
 * meets a deadlock or lock timeout is retried. Returns the rows deleted.
 */
export async function deleteKeysetBatches(ctx: StrategyContext, slice: KeysetSlice): Promise<number> {
  const root = ctx.plan.rootStep
  // A composite key is walked as a row value: `(a, b) > (?, ?) ORDER BY a, b`.
  const pk = columnList(root.primaryKey)
  let last: RowKey | undefined = slice.after === undefined ? undefined : [slice.after]
  let deleted = 0
  for (;;) {
    checkAbort(slice.abort)
    const conditions = [`(${ctx.target.where})`]
    const params: CellValue[] = [...ctx.target.params]
    if (slice.also) {
      conditions.push(`(${slice.also.sql})`)
      params.push(...slice.also.params)
    }
    if (last !== undefined) {
      conditions.push(`${pk} > ${columnList(last.map(() => '?'))}`)
      params.push(...last)
    }
    if (slice.upTo !== undefined) {
      conditions.push(`${pk} <= ?`)
      params.push(slice.upTo)
    }
    const { rows } = await ctx.run(
      {
        sql: `SELECT ${root.primaryKey.join(', ')} FROM ${root.table} WHERE ${conditions.join(' AND ')} ORDER BY ${root.primaryKey.join(', ')} LIMIT ${ctx.options.batchSize}`,
        params,
      },
      slice.conn,
    )
    const keys = keysOf(rows, root.primaryKey)
    if (keys.length === 0) return deleted
    await slice.beforeBatch?.()
    const batch = await deleteBatch(ctx, slice, pk, keys)
    deleted += batch
    slice.onBatch(batch)
    last = keys[keys.length - 1]
    await sleep(ctx.options.sleepMs, slice.abort)
  }
}

async function deleteBatch(
  ctx: StrategyContext,
  slice: KeysetSlice,
  pk: string,
  keys: readonly RowKey[],
): Promise<number> {
  // The slice's own condition goes into the DELETE too: on a partitioned table it confines each
  // batch to the partitions that can hold it, instead of probing every partition for every key.
  const tuples = keys.map((key) => columnList(key.map(() => '?'))).join(', ')
  const where = `${pk} IN (${tuples})${slice.also ? ` AND (${slice.also.sql})` : ''}`
  const params = [...keys.flat(), ...(slice.also?.params ?? [])]
  const keyOf = touchKey(ctx)
  const statements = [
    ...touchSql(ctx.plan, ctx.callbacks, keyOf, where, params, ctx.deletedAt),
    ...subqueryDeletionSql(ctx.plan, where, params),
  ]
  for (let attempt = 1; ; attempt++) {
    try {
      return await deleteInTransaction(ctx, statements, slice.conn)
    } catch (error) {
      if (attempt >= ATTEMPTS || !ctx.dialect.isRetryable(error)) throw error
      // Back off a little longer each time, so the other transaction can finish.
      await sleep(50 * attempt, slice.abort)
    }
  }
}
