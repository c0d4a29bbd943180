import { ChunkSizer, MIN_BATCH, WEIGHT } from './chunk-sizer.js'
import { deleteKeysetBatches, maxBatchKeys } from './keyset-batches.js'
import { LagThrottle } from './lag-throttle.js'
import type { Strategy } from './strategy.js'
import { noKeyRefusal } from './strategy-sql.js'

/**
 * `batched` with pt-online-schema-change's `--chunk-time`: the first batch takes `--batch-size` target
 * rows, and after each batch the next is sized to take `--chunk-time` ms at the rate of the batches so
 * far, each older batch's rows and time decayed by 0.75 (pt-osc's weighted average rate). The size
 * stays between 1 row and the most keys one statement can bind. Every batch's size and time is recorded:
 * the trajectory shows how fast the size settles, and whether the batches keep to the target once it
 * has. The keyset loop, transactions, retries and lock are `batched`'s. With `--replica`, it also waits
 * before each batch as `throttled-batched` does (at the first `--max-lag`; the wait is outside the
 * batch's time, so a pause does not shrink the next batch).
 */
export const adaptiveBatched: Strategy = {
  name: 'adaptive-batched',
  description: `batched, each batch sized to take --chunk-time ms (pt-osc's rate rule: older batches decayed by ${WEIGHT}; from --batch-size, at least ${MIN_BATCH} row)`,
  reads: ['batchSize', 'chunkTimeMs', 'sleepMs'],
  unsupported: (_dialect, _capabilities, plan) => noKeyRefusal(plan),
  async run(ctx) {
    const root = ctx.plan.rootStep
    const release = await ctx.acquireLock(`delbench_batched_${root.table}`)
    try {
      const sizer = new ChunkSizer(ctx.options.chunkTimeMs, ctx.options.batchSize, maxBatchKeys(ctx))
      const throttle = new LagThrottle(ctx)
      let deleted = 0
      await deleteKeysetBatches(ctx, {
        conn: ctx.conn,
        abort: ctx.abort,
        batchSize: () => sizer.size,
        beforeBatch: () => throttle.wait(),
        onBatch: (rows, batch) => {
          ctx.recordBatch(batch)
          sizer.update(batch.rows, batch.ms)
          ctx.progress((deleted += rows))
        },
      })
    } finally {
      await release()
    }
  },
}
