import { randomBytes } from 'node:crypto'
import type { Connection } from '../db/connection.js'
import { secondaryIndexList } from '../db/schema-sql.js'
import type { TableSpec } from '../core/table-spec.js'
import { touchSql, type PortableSql } from '../scenarios/target-sql.js'
import { checkAbort, sleep } from '../core/abort.js'
import type { Strategy, StrategyContext } from './strategy.js'

/** How long the MySQL cut-over waits for its RENAME to queue behind the copy's lock. */
const RENAME_QUEUE_MS = 10_000

/**
 * When most rows go, keeping the few is cheaper than deleting the many: copy the survivors into a new
 * table of the same definition, swap it in under the old name, drop the old table. Writers wait on a lock
 * for the whole copy (the `writesBlockedMs` figure; foreground traffic shows it); readers go on until
 * the swap itself. Only a table nothing references can be swapped: a dependent's foreign keys would go
 * on pointing at the old table.
 *
 * PostgreSQL and SQLite do it in one transaction (their DDL is transactional). MySQL cannot RENAME while
 * holding LOCK TABLES, so it cuts over as gh-ost does: a second session queues the atomic RENAME behind
 * the copy's lock, which the first then releases; MySQL serves the waiting RENAME before the writers
 * queued behind it, so none of their writes reach the old table.
 */
export const copySwap: Strategy = {
  name: 'copy-swap',
  description:
    'copy the survivors into a new table, swap it in atomically, drop the old one; writers wait for the copy',
  reads: [],
  unsupported(dialect, _capabilities, plan, setting) {
    const root = plan.rootStep
    const dependents = plan.steps.filter((s) => s !== root).map((s) => s.table)
    if (dependents.length > 0)
      return `${root.table} is referenced by ${[...new Set(dependents)].join(', ')}: their foreign keys would keep pointing at the old table, and their rows would need copying too; use batched or key-table`
    const table = setting.tables.find((t) => t.name === root.table)
    if (table?.partitions)
      return `${root.table} is partitioned: drop whole partitions instead (partition-drop)`
    if (dialect.name === 'mysql' && (table?.foreignKeys.length ?? 0) > 0)
      return `InnoDB foreign-key names are unique per database: the copy of ${root.table} cannot carry its foreign keys under their names while the old table exists`
    return undefined
  },
  async run(ctx) {
    const root = ctx.plan.rootStep
    const table = ctx.tables.find((t) => t.name === root.table)
    if (!table) return
    checkAbort(ctx.abort)
    const swap: Swap = {
      table,
      copy: `${table.name}_swap_${randomBytes(3).toString('hex')}`,
      touches: touchSql(
        ctx.plan,
        ctx.callbacks,
        (name) => ctx.tables.find((t) => t.name === name)?.primaryKey ?? 'id',
        ctx.target.where,
        ctx.target.params,
        ctx.deletedAt,
      ),
    }
    const blocked =
      ctx.dialect.name === 'mysql' ? await swapOnMysql(ctx, swap) : await swapInTransaction(ctx, swap)
    ctx.record('writesBlockedMs', Math.round(blocked))
    for (const sql of ctx.dialect.schema.analyzeTable(table)) await ctx.conn.query(sql)
  },
}

interface Swap {
  readonly table: TableSpec
  /** The new table's name until the swap. */
  readonly copy: string
  /** The `touch` callbacks, set-based, applied while writers wait. */
  readonly touches: readonly PortableSql[]
}

/** `INSERT INTO copy SELECT … WHERE the target predicate is not true` (NULL is not a target either). */
function copySurvivors(ctx: StrategyContext, swap: Swap): PortableSql {
  const columns = swap.table.columns.map((c) => c.name).join(', ')
  return {
    sql: `INSERT INTO ${swap.copy} (${columns}) SELECT ${columns} FROM ${swap.table.name} WHERE (${ctx.target.where}) IS NOT TRUE`,
    params: ctx.target.params,
  }
}

/**
 * PostgreSQL and SQLite: one transaction. Writers wait from the lock (PostgreSQL's EXCLUSIVE mode, SQLite's
 * BEGIN IMMEDIATE) to COMMIT; readers only from the DROP on. Indexes are built on the copy before the
 * DROP, under temporary names renamed after (PostgreSQL), so readers wait for renames only.
 */
async function swapInTransaction(ctx: StrategyContext, swap: Swap): Promise<number> {
  const { table, copy } = swap
  const schema = ctx.dialect.schema
  const postgres = ctx.dialect.name === 'postgres'
  const copySpec: TableSpec = { ...table, name: copy }
  let locked = 0
  await ctx.conn.transaction(async (tx: Connection) => {
    const run = (sql: string) => tx.query(sql)
    if (postgres) await run(`LOCK TABLE ${table.name} IN EXCLUSIVE MODE`)
    locked = performance.now()
    for (const touch of swap.touches) await ctx.run(touch, tx)
    for (const sql of schema.createTable(copySpec)) await run(sql)
    checkAbort(ctx.abort)
    await ctx.run(copySurvivors(ctx, swap), tx)
    checkAbort(ctx.abort)
    if (postgres) {
      for (const sql of schema.indexTable(copySpec)) await run(sql)
      await run(`DROP TABLE ${table.name}`)
      await run(`ALTER TABLE ${copy} RENAME TO ${table.name}`)
      await run(`ALTER TABLE ${table.name} RENAME CONSTRAINT pk_${copy} TO pk_${table.name}`)
      const finalNames = secondaryIndexList(table)
      for (const [i, ix] of secondaryIndexList(copySpec).entries())
        await run(`ALTER INDEX ${ix.name} RENAME TO ${finalNames[i]?.name ?? ix.name}`)
    } else {
      // SQLite readers see the old table until COMMIT whatever comes first: build indexes under their names.
      await run(`DROP TABLE ${table.name}`)
      await run(`ALTER TABLE ${copy} RENAME TO ${table.name}`)
      for (const sql of schema.indexTable(table)) await run(sql)
    }
    for (const sql of schema.constrainTable(table)) await run(sql)
  })
  return performance.now() - locked
}

/**
 * MySQL: the copy (with the primary key) is created, then LOCK TABLES … READ holds writers off while
 * the survivors are copied and indexed; a second session queues `RENAME TABLE t TO old, copy TO t`
 * behind that lock, and once it is seen waiting the lock is released and the RENAME goes first.
 */
async function swapOnMysql(ctx: StrategyContext, swap: Swap): Promise<number> {
  const { table, copy } = swap
  const old = `${table.name}_old_${copy.slice(-6)}`
  const parents = [...new Set(ctx.callbacks.flatMap((cb) => (cb.kind === 'touch' ? [cb.parent] : [])))]
  for (const sql of ctx.dialect.schema.createTable({ ...table, name: copy })) await ctx.conn.query(sql)
  const renamer = await ctx.openConnection()
  try {
    const { rows } = await renamer.query(ctx.dialect.sessionIdSql ?? 'SELECT CONNECTION_ID()')
    const renamerId = Number(Object.values(rows[0] ?? {})[0])
    await ctx.conn.query(
      `LOCK TABLES ${[`${table.name} READ`, `${copy} WRITE`, ...parents.map((p) => `${p} WRITE`)].join(', ')}`,
    )
    const locked = performance.now()
    let renamed: Promise<unknown> | undefined
    try {
      for (const touch of swap.touches) await ctx.run(touch)
      checkAbort(ctx.abort)
      await ctx.run(copySurvivors(ctx, swap))
      checkAbort(ctx.abort)
      for (const ix of secondaryIndexList(table))
        await ctx.conn.query(
          `ALTER TABLE ${copy} ADD ${ix.unique ? 'UNIQUE ' : ''}INDEX ${ix.name} (${ix.columns.join(', ')})`,
        )
      renamed = renamer.query(`RENAME TABLE ${table.name} TO ${old}, ${copy} TO ${table.name}`)
      // Handled when awaited below; a rejection before then must not go unhandled.
      renamed.catch(() => {})
      await untilWaitingForLock(ctx, renamerId)
    } finally {
      await ctx.conn.query('UNLOCK TABLES')
    }
    await renamed
    const blocked = performance.now() - locked
    await ctx.conn.query(`DROP TABLE ${old}`)
    return blocked
  } finally {
    await renamer.close()
  }
}

/** Polls the process list until the session waits for a metadata lock (its RENAME has queued). */
async function untilWaitingForLock(ctx: StrategyContext, session: number): Promise<void> {
  const deadline = performance.now() + RENAME_QUEUE_MS
  for (;;) {
    const { rows } = await ctx.conn.query(
      'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ? AND STATE LIKE ?',
      [session, 'Waiting for table metadata lock'],
    )
    if (Number(rows[0]?.n) > 0) return
    if (performance.now() > deadline)
      throw new Error(`the RENAME of the cut-over did not queue within ${RENAME_QUEUE_MS / 1000} s`)
    await sleep(5, ctx.abort)
  }
}
