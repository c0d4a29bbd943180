import type { Connection } from '../connection.js'
import type { SwapJob, TableSwap } from '../dialect.js'
import { secondaryIndexList } from '../schema-sql.js'
import { checkAbort, sleep } from '../../core/abort.js'
import { mysqlSchema } from './mysql-schema.js'
import { MYSQL_SESSION_ID_SQL } from './mysql-session.js'

/** How long the cut-over waits for its RENAME to queue behind the copy's lock. */
const RENAME_QUEUE_MS = 10_000

/**
 * MySQL cannot RENAME while holding LOCK TABLES, and its DDL commits by itself, so it cuts over as
 * gh-ost does: the copy (with the primary key) is created, then LOCK TABLES … READ holds writers off
 * while the survivors are copied and indexed; a second session queues `RENAME TABLE t TO old, copy TO t`
 * behind that lock, and once it is seen waiting the lock is released. MySQL serves the waiting RENAME
 * before the writers queued behind it, so none of their writes reach the old table.
 */
export const mysqlTableSwap: TableSwap = {
  refused: (table) =>
    table.foreignKeys.length > 0
      ? `InnoDB foreign-key names are unique per database: the copy of ${table.name} cannot carry its foreign keys under their names while the old table exists`
      : undefined,
  async swap(job) {
    const { table, copy, conn } = job
    const old = `${table.name}_old_${copy.slice(-6)}`
    for (const sql of mysqlSchema.createTable({ ...table, name: copy })) await conn.query(sql)
    const renamer = await job.openConnection()
    try {
      const { rows } = await renamer.query(MYSQL_SESSION_ID_SQL)
      const renamerId = Number(Object.values(rows[0] ?? {})[0])
      await conn.query(
        `LOCK TABLES ${[`${table.name} READ`, `${copy} WRITE`, ...job.touched.map((p) => `${p} WRITE`)].join(', ')}`,
      )
      const locked = performance.now()
      let renamed: Promise<unknown> | undefined
      try {
        await fillUnderLock(job)
        renamed = renamer.query(`RENAME TABLE ${table.name} TO ${old}, ${copy} TO ${table.name}`)
        // Handled when awaited below; a rejection before then must not go unhandled.
        renamed.catch(() => {})
        await untilWaitingForLock(conn, renamerId, job.abort)
      } finally {
        await conn.query('UNLOCK TABLES')
      }
      await renamed
      const blocked = performance.now() - locked
      await conn.query(`DROP TABLE ${old}`)
      return blocked
    } finally {
      await renamer.close()
    }
  },
}

/** Callbacks, survivors and secondary indexes into the copy, while LOCK TABLES holds writers off. */
async function fillUnderLock(job: SwapJob): Promise<void> {
  await job.touch(job.conn)
  checkAbort(job.abort)
  await job.copySurvivors(job.conn)
  checkAbort(job.abort)
  for (const ix of secondaryIndexList(job.table))
    await job.conn.query(
      `ALTER TABLE ${job.copy} ADD ${ix.unique ? 'UNIQUE ' : ''}INDEX ${ix.name} (${ix.columns.join(', ')})`,
    )
}

/** Polls the process list until the session waits for a metadata lock (its RENAME has queued). */
async function untilWaitingForLock(conn: Connection, session: number, abort: AbortSignal): Promise<void> {
  const deadline = performance.now() + RENAME_QUEUE_MS
  for (;;) {
    const { rows } = await conn.query(
      'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ? AND STATE LIKE ?',
      [session, 'Waiting for table metadata lock'],
    )
    if (Number(rows[0]?.n) > 0) return
    if (performance.now() > deadline)
      throw new Error(`the RENAME of the cut-over did not queue within ${RENAME_QUEUE_MS / 1000} s`)
    await sleep(5, abort)
  }
}
