import type { InstrumentedConnection } from '../db/instrumented-connection.js'
import type { CellValue } from '../core/table-spec.js'
import { deleteKeysetBatches } from './keyset-batches.js'
import type { Strategy, StrategyContext } from './strategy.js'
import { selfReferenceRefusal } from './strategy-sql.js'

/**
 * `batched` over `--workers K` connections at once: the target keys' span (one MIN/MAX query) is cut
 * into K equal key ranges and each worker runs the same keyset loop, with the same per-batch
 * transactions and retries, on its own range. The ranges are disjoint, so workers never wait on one
 * another's rows, only on the server's shared resources (log flushes, buffer pool, CPU). The first
 * worker's error stops the others and is the run's error.
 */
export const parallelBatched: Strategy = {
  name: 'parallel-batched',
  description:
    'batched split over --workers K connections on disjoint key ranges, each with its own keyset loop',
  reads: ['batchSize', 'sleepMs', 'workers'],
  unsupported: (_dialect, capabilities, plan, setting) => {
    if (capabilities.singleWriter)
      return 'SQLite has a single writer: K connections would only take turns on the database lock (and better-sqlite3 runs one statement at a time per process); use batched'
    const root = plan.rootStep
    const type = setting.tables
      .find((t) => t.name === root.table)
      ?.columns.find((c) => c.name === root.primaryKey[0])?.type
    if (root.primaryKey.length !== 1 || (type !== 'integer' && type !== 'bigint'))
      return `${root.table} has no single integer primary key to cut into ranges; use batched`
    // Disjoint key ranges of a tree are not disjoint subtrees: two workers would delete the same rows.
    return selfReferenceRefusal(plan)
  },
  async run(ctx) {
    const root = ctx.plan.rootStep
    const release = await ctx.acquireLock(`delbench_batched_${root.table}`)
    try {
      const { rows } = await ctx.run({
        sql: `SELECT MIN(${root.primaryKey[0] ?? ''}) AS lo, MAX(${root.primaryKey[0] ?? ''}) AS hi FROM ${root.table} WHERE ${ctx.target.where}`,
        params: ctx.target.params,
      })
      const lo = rows[0]?.lo as CellValue | undefined
      const hi = rows[0]?.hi as CellValue | undefined
      if (lo === null || lo === undefined || hi === null || hi === undefined) return
      await runWorkers(ctx, keyRanges(Number(lo), Number(hi), ctx.options.workers))
    } finally {
      await release()
    }
  },
}

/** K ranges `(after, upTo]` covering [lo, hi] with equal key spans (the last takes the remainder). */
export function keyRanges(lo: number, hi: number, k: number): { after: number; upTo: number }[] {
  const span = Math.max(1, Math.ceil((hi - lo + 1) / k))
  const ranges: { after: number; upTo: number }[] = []
  for (let after = lo - 1; after < hi; after += span) ranges.push({ after, upTo: Math.min(hi, after + span) })
  return ranges
}

async function runWorkers(
  ctx: StrategyContext,
  ranges: readonly { after: number; upTo: number }[],
): Promise<void> {
  const stop = new AbortController()
  const stopAll = () => stop.abort(ctx.abort.reason)
  ctx.abort.addEventListener('abort', stopAll)
  let deleted = 0
  const conns: InstrumentedConnection[] = []
  try {
    // Every worker's connection is open before any deletes, so none starts ahead by its connect time.
    for (let i = 0; i < ranges.length; i++) conns.push(await ctx.openConnection())
    const outcomes = await Promise.allSettled(
      ranges.map((range, i) =>
        deleteKeysetBatches(ctx, {
          conn: conns[i] as InstrumentedConnection,
          after: range.after,
          upTo: range.upTo,
          abort: stop.signal,
          onBatch: (rows) => ctx.progress((deleted += rows)),
        }).catch((error: unknown) => {
          // One worker's failure stops the others between their batches.
          stop.abort(error)
          throw error
        }),
      ),
    )
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')
    if (failed) throw failed.reason
  } finally {
    ctx.abort.removeEventListener('abort', stopAll)
    await Promise.all(conns.map((c) => c.close()))
  }
}
