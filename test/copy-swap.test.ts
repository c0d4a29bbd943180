import { describe, expect, it } from 'vitest'
import { DatabaseServer } from '../db/database-server.js'
import type { InstrumentedConnection } from '../db/instrumented-connection.js'
import { strategyContext, verifyWorkingCopy } from '../runner/run-strategy.js'
import { errorLog } from '../scenarios/builtins/error-log.js'
import { restoreWorkingCopy } from '../seeds/restore-working-copy.js'
import { copySwap } from '../strategies/copy-swap.js'
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`copy-swap on ${db.dialect}`, () => {
    const tests = useStrategyServer(db, 107)

    it('swaps in a table of the same definition, and no concurrent write is lost or refused', async () => {
      const prepared = await tests.prepare(errorLog, 0.01)
      const { server } = prepared
      const working = DatabaseServer.uniqueName('test_copy_swap')
      await restoreWorkingCopy(server, prepared.pristine, working, prepared.tables)
      const conn = await server.openDatabase(working)
      // SQLite's writers in this process would block the strategy's own thread: servers only.
      const writer = db.dialect === 'sqlite' ? undefined : await server.openDatabase(working)
      try {
        const before = await definitionOf(conn, db.dialect)
        const ctx = strategyContext(prepared, conn, working, DEFAULT_OPTIONS, new AbortController().signal)
        let done = false
        const run = copySwap.run(ctx).finally(() => (done = true))
        // An application inserting new occurrences the whole time: before, during and after the swap.
        const inserted: number[] = []
        const refused: string[] = []
        const insert = `INSERT INTO error_occurrences (id, project_id, error_class, message, context, status, created_at) VALUES (?, 1, 'TypeError', 'during the swap', '{}', 'unresolved', '2026-01-01 00:00:00')`
        for (let id = 1_000_000_001; writer && (!done || inserted.length + refused.length < 3); id++) {
          try {
            await writer.query(db.dialect === 'postgres' ? insert.replace(/\?/, '$1') : insert, [id])
            inserted.push(id)
          } catch (error) {
            refused.push((error as Error).message)
          }
          await sleep(2)
        }
        await run
        await ctx.closeConnections()
        expect(refused).toEqual([])
        const { rows } = await conn.query('SELECT COUNT(*) AS n FROM error_occurrences WHERE id > 1000000000')
        expect(Number(rows[0]?.n)).toBe(inserted.length)
        expect(await definitionOf(conn, db.dialect)).toEqual(before)
        expect(ctx.figures().writesBlockedMs).toBeGreaterThanOrEqual(0)
        // The rows the strategy was to delete went, and every survivor is intact (the writer's rows are
        // the application's: the verifier counts only rows that were there before).
        if (db.dialect !== 'sqlite') await conn.query('DELETE FROM error_occurrences WHERE id > 1000000000')
        const verdict = await verifyWorkingCopy(prepared, working, ctx.deletedAt)
        expect(verdict.problems).toEqual([])
      } finally {
        await writer?.close()
        await conn.close()
        await server.dropDatabase(working)
      }
    })
  })
}
