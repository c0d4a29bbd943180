import { partitionRanges, type PartitionRange } from '../core/table-spec.js'
import { deleteKeysetBatches } from './keyset-batches.js'
import { checkAbort } from '../core/abort.js'
import type { Strategy } from './strategy.js'
import { noKeyRefusal, selfReferenceRefusal } from './strategy-sql.js'

/**
 * Retention by partition, as time-partitioned tables are kept (pg_partman, MySQL event jobs): every
 * partition that lies wholly below the cutoff is removed with its rows at once (PostgreSQL: detached
 * concurrently, then dropped; MySQL: `ALTER TABLE … DROP PARTITION`), and the partition the cutoff
 * falls in has its older rows deleted in keyset batches, as `batched` does. Needs a table partitioned on
 * the column the target is declared "older than" (`--partitions month` on error-log).
 */
export const partitionDrop: Strategy = {
  name: 'partition-drop',
  description:
    'drop whole partitions below the cutoff, keyset batches in the partition the cutoff falls in (--partitions month)',
  reads: ['batchSize', 'sleepMs'],
  unsupported(dialect, _capabilities, plan, setting) {
    const root = plan.rootStep
    const table = setting.tables.find((t) => t.name === root.table)
    if (!table) return undefined
    const refused = dialect.schema.partitioningRefused([
      { ...table, partitions: table.partitions ?? { column: '', bounds: [] } },
    ])
    if (refused || !dialect.schema.dropPartition) return refused ?? 'this database cannot drop partitions'
    if (!table.partitions)
      return 'the target table is not partitioned: seed a scenario that declares a partition column (error-log) with --partitions month'
    const olderThan = setting.scenario.target.olderThan
    if (olderThan?.column !== table.partitions.column)
      return `the target is not declared as "${table.partitions.column} older than a cutoff", so no partition can be known to hold only targets`
    if (plan.steps.length > 1)
      return `${root.table} has dependents: dropping a partition would skip their foreign keys' ON DELETE`
    const keyless = noKeyRefusal(plan) ?? selfReferenceRefusal(plan)
    if (keyless) return keyless
    return undefined
  },
  async run(ctx) {
    const root = ctx.plan.rootStep
    const table = ctx.tables.find((t) => t.name === root.table)
    const olderThan = ctx.scenario.target.olderThan
    const drop = ctx.dialect.schema.dropPartition?.bind(ctx.dialect.schema)
    if (!table?.partitions || !olderThan || !drop) throw new Error('partition-drop needs a partitioned table')
    const cutoff = String(ctx.target.params[olderThan.param])
    const column = table.partitions.column
    // Timestamps are `YYYY-MM-DD HH:MM:SS` text: they compare as strings.
    const whole = (p: PartitionRange) => p.to !== undefined && p.to <= cutoff
    const straddles = (p: PartitionRange) => !whole(p) && (p.from === undefined || p.from < cutoff)
    let dropped = 0
    let deleted = 0
    for (const partition of partitionRanges(table.partitions)) {
      checkAbort(ctx.abort)
      if (whole(partition)) {
        for (const sql of drop(table, partition.name)) await ctx.conn.query(sql)
        dropped++
      } else if (straddles(partition)) {
        // Only this partition's rows: the database prunes the others from every batch's search.
        const bounds = [
          ...(partition.from === undefined ? [] : [{ sql: `${column} >= ?`, value: partition.from }]),
          ...(partition.to === undefined ? [] : [{ sql: `${column} < ?`, value: partition.to }]),
        ]
        await deleteKeysetBatches(ctx, {
          conn: ctx.conn,
          abort: ctx.abort,
          ...(bounds.length > 0
            ? { also: { sql: bounds.map((b) => b.sql).join(' AND '), params: bounds.map((b) => b.value) } }
            : {}),
          onBatch: (rows) => ctx.progress((deleted += rows)),
        })
      }
    }
    ctx.record('partitionsDropped', dropped)
  },
}
