import { deleteKeysetBatches } from './keyset-batches.js'
import type { Strategy, StrategyContext } from './strategy.js'
import { noKeyRefusal } from './strategy-sql.js'

/**
 * Keyset batches (field reports 3 and 4): per batch of `--batch-size` target keys, in one transaction,
 * callbacks set-based, dependents children first, the batch. Optional sleep between batches; a batch
 * that meets a deadlock or lock timeout is retried; a single-runner lock keeps two cleanups from
 * overlapping.
 */
export const batched: Strategy = {
  name: 'batched',
  description:
    'keyset batches of batch-size targets, one transaction each: set-based callbacks, dependents, targets; retry, lock, sleep',
  reads: ['batchSize', 'sleepMs'],
  unsupported: (_dialect, _capabilities, plan) => noKeyRefusal(plan),
  run: (ctx) => runBatched(ctx),
}

/**
 * The batched loop under the single-runner lock, reporting progress; `beforeBatch` is awaited before
 * each batch (a throttle's wait: `throttled-batched` is this loop with one).
 */
export async function runBatched(ctx: StrategyContext, beforeBatch?: () => Promise<void>): Promise<void> {
  const root = ctx.plan.rootStep
  const release = await ctx.acquireLock(`delbench_batched_${root.table}`)
  try {
    let deleted = 0
    await deleteKeysetBatches(ctx, {
      conn: ctx.conn,
      abort: ctx.abort,
      ...(beforeBatch ? { beforeBatch } : {}),
      onBatch: (rows) => ctx.progress((deleted += rows)),
    })
  } finally {
    await release()
  }
}
