import type { InstrumentedConnection } from '../db/instrumented-connection.js'
import type { CellValue } from '../core/table-spec.js'
import { subqueryDeletionSql, touchSql, type PortableSql } from '../scenarios/target-sql.js'
import { checkAbort, sleep } from '../core/abort.js'
import { deleteInTransaction, keysOf, touchKey, type RowKey } from './strategy-sql.js'
import { columnList } from '../scenarios/target-sql.js'
import type { BatchRecord, StrategyContext } from './strategy.js'

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
  /**
   * The target rows of the next batch, asked before each (`--batch-size` where absent): a loop that
   * sizes its batches as it goes (adaptive-batched) answers from the batches so far.
   */
  readonly batchSize?: () => number
  /**
   * Awaited before each batch: where a loop waits for the system to recover (a replica's lag, say);
   * nothing where absent.
   */
  readonly beforeBatch?: () => Promise<void>
  /** Called after each batch with the rows it deleted (all tables), and its size and time. */
  readonly onBatch: (deleted: number, batch: BatchRecord) => void
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
    await slice.beforeBatch?.()
    checkAbort(slice.abort)
    const size = slice.batchSize?.() ?? ctx.options.batchSize
    const started = performance.now()
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
        sql: `SELECT ${root.primaryKey.join(', ')} FROM ${root.table} WHERE ${conditions.join(' AND ')} ORDER BY ${root.primaryKey.join(', ')} LIMIT ${size}`,
        params,
      },
      slice.conn,
    )
    const keys = keysOf(rows, root.primaryKey)
    if (keys.length === 0) return deleted
    const batch = await deleteBatch(ctx, slice, pk, keys)
    deleted += batch
    // To the microsecond: the size rule and the recorded trajectory see the same figure.
    const ms = Math.round((performance.now() - started) * 1000) / 1000
    slice.onBatch(batch, { size, rows: keys.length, ms })
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
  const statements = batchStatements(ctx, slice.also, pk, keys)
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

/** A batch's statements, in order: set-based callbacks, dependents children first, the batch. */
function batchStatements(
  ctx: StrategyContext,
  also: PortableSql | undefined,
  pk: string,
  keys: readonly RowKey[],
): PortableSql[] {
  // The slice's own condition goes into the DELETE too: on a partitioned table it confines each
  // batch to the partitions that can hold it, instead of probing every partition for every key.
  const tuples = keys.map((key) => columnList(key.map(() => '?'))).join(', ')
  const where = `${pk} IN (${tuples})${also ? ` AND (${also.sql})` : ''}`
  const params = [...keys.flat(), ...(also?.params ?? [])]
  const keyOf = touchKey(ctx)
  return [
    ...touchSql(ctx.plan, ctx.callbacks, keyOf, where, params, ctx.deletedAt),
    ...subqueryDeletionSql(ctx.plan, where, params),
  ]
}

/**
 * The most target keys one batch can carry: its statements bind every key (some more than once, where
 * a dependent is reached by two paths), and no statement may bind more than the server's maximum.
 */
export function maxBatchKeys(ctx: StrategyContext): number {
  const pk = columnList(ctx.plan.rootStep.primaryKey)
  const dummy = (n: number) => Array.from({ length: n }, () => ctx.plan.rootStep.primaryKey.map(() => 0))
  const most = (n: number) =>
    Math.max(...batchStatements(ctx, undefined, pk, dummy(n)).map((s) => s.params.length))
  // Each statement binds a·n + b parameters for n keys: a and b from one key and two.
  const perKey = Math.max(1, most(2) - most(1))
  const fixed = Math.max(0, most(1) - perKey)
  return Math.max(1, Math.floor((ctx.capabilities.maxParams - fixed) / perKey))
}
