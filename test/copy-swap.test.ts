import { describe, expect, it } from 'vitest'
import { DatabaseServer } from '../db/database-server.js'
import type { InstrumentedConnection } from '../db/instrumented-connection.js'
import { strategyContext, verifyWorkingCopy, type HarnessContext } from '../runner/run-strategy.js'
import { errorLog } from '../scenarios/builtins/error-log.js'
import { restoreWorkingCopy } from '../seeds/restore-working-copy.js'
import { copySwap } from '../strategies/copy-swap.js'
import { eventually } from './support/run-cli.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { DEFAULT_OPTIONS, useStrategyServer } from './support/strategy-run.js'

/** The table's definition as the catalog holds it: what a swapped-in copy must reproduce. */
async function definitionOf(conn: InstrumentedConnection, dialect: string): Promise<string[]> {
  const query =
    dialect === 'postgres'
      ? "SELECT indexname || ': ' || indexdef AS d FROM pg_indexes WHERE tablename = 'error_occurrences' UNION ALL SELECT conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'error_occurrences'::regclass"
      : dialect === 'mysql'
        ? 'SHOW CREATE TABLE error_occurrences'
        : "SELECT sql AS d FROM sqlite_master WHERE tbl_name = 'error_occurrences'"
  const { rows } = await conn.query(query)
  return rows.map((r) => String(r.d ?? r['Create Table']).replace(/ AUTO_INCREMENT=\d+/, '')).sort()
}

/** How a server shows one session's id, and whether that session waits for a lock now. */
const LOCK_VIEW = {
  postgres: {
    session: 'SELECT pg_backend_pid() AS id',
    waiting: 'SELECT COUNT(*) AS n FROM pg_locks WHERE pid = $1 AND NOT granted',
  },
  mysql: {
    session: 'SELECT CONNECTION_ID() AS id',
    waiting:
      "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ? AND STATE LIKE 'Waiting for table%lock'",
  },
} as const

/** The id of the write issued while the swap holds its lock. */
const LOCKED_OUT_ID = 2_000_000_000

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`copy-swap on ${db.dialect}`, () => {
    const tests = useStrategyServer(db, 107)

    it('swaps in a table of the same definition, and no concurrent write is lost or refused', async () => {
      const prepared = await tests.prepare(errorLog, 0.01)
      const { server } = prepared
      const working = DatabaseServer.uniqueName('test_copy_swap')
      await restoreWorkingCopy(server, prepared.pristine, working, prepared.tables)
      const conn = await server.openDatabase(working)
      // SQLite's writers in this process would block the strategy's own thread: servers only. The
      // second writer's one write is issued while the swap holds its lock; a third session watches it.
      const view = db.dialect === 'sqlite' ? undefined : LOCK_VIEW[db.dialect]
      const [writer, lockedOut, watcher] = view
        ? await Promise.all([1, 2, 3].map(() => server.openDatabase(working)))
        : []
      try {
        const before = await definitionOf(conn, db.dialect)
        const insert = `INSERT INTO error_occurrences (id, project_id, error_class, message, context, status, created_at) VALUES (?, 1, 'TypeError', 'during the swap', '{}', 'unresolved', '2026-01-01 00:00:00')`
        const bound = db.dialect === 'postgres' ? insert.replace(/\?/, '$1') : insert
        const ctx = strategyContext(prepared, conn, working, DEFAULT_OPTIONS, new AbortController().signal)
        let lockedOutWrite: Promise<unknown> | undefined
        const locking: HarnessContext = {
          ...ctx,
          // The strategy copies the survivors under its lock: a write issued now must wait for it
          // (seen waiting in the server's lock view) and then land in the swapped-in table.
          run: async (statement, on) => {
            if (
              view &&
              lockedOut &&
              watcher &&
              !lockedOutWrite &&
              /^INSERT INTO \w+_swap_/.test(statement.sql)
            ) {
              const id = Object.values((await lockedOut.query(view.session)).rows[0] ?? {})[0]
              lockedOutWrite = lockedOut.query(bound, [LOCKED_OUT_ID])
              // Awaited below; a refusal meanwhile must not go unhandled.
              lockedOutWrite.catch(() => {})
              await eventually(
                async () =>
                  Number((await watcher.query(view.waiting, [id])).rows[0]?.n) > 0 ? true : undefined,
                'the write to wait for the swap’s lock',
                30_000,
              )
            }
            return ctx.run(statement, on)
          },
        }
        let done = false
        const run = copySwap.run(locking).finally(() => (done = true))
        // An application inserting new occurrences the whole time: before, during and after the swap.
        const inserted: number[] = []
        const refused: string[] = []
        for (let id = 1_000_000_001; writer && (!done || inserted.length + refused.length < 3); id++) {
          try {
            await writer.query(bound, [id])
            inserted.push(id)
          } catch (error) {
            refused.push((error as Error).message)
          }
        }
        await run
        await ctx.closeConnections()
        expect(refused).toEqual([])
        if (view) {
          expect(lockedOutWrite, 'a write issued while the swap held its lock').toBeDefined()
          await lockedOutWrite
          // In the table now under the name: the swapped-in copy (the old table is dropped).
          const found = await conn.query(`SELECT id FROM error_occurrences WHERE id = ${LOCKED_OUT_ID}`)
          expect(found.rows).toHaveLength(1)
        }
        const { rows } = await conn.query('SELECT COUNT(*) AS n FROM error_occurrences WHERE id > 1000000000')
        expect(Number(rows[0]?.n)).toBe(inserted.length + (view ? 1 : 0))
        expect(await definitionOf(conn, db.dialect)).toEqual(before)
        expect(ctx.figures().writesBlockedMs).toBeGreaterThanOrEqual(0)
        // The rows the strategy was to delete went, and every survivor is intact (the writer's rows are
        // the application's: the verifier counts only rows that were there before).
        if (db.dialect !== 'sqlite') await conn.query('DELETE FROM error_occurrences WHERE id > 1000000000')
        const verdict = await verifyWorkingCopy(prepared, working, ctx.deletedAt)
        expect(verdict.problems).toEqual([])
      } finally {
        for (const c of [writer, lockedOut, watcher]) await c?.close()
        await conn.close()
        await server.dropDatabase(working)
      }
    })
  })
}
