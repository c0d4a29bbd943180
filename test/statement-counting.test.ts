import { describe, expect, it } from 'vitest'
import {
  countersBetween,
  type InstrumentedConnection,
  type SqlLogEntry,
} from '../db/instrumented-connection.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { useScratchDatabase } from './support/test-server.js'

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`statement counting on ${db.dialect}`, () => {
    const logged: SqlLogEntry[] = []
    const scratch = useScratchDatabase(db, 'counting', { logger: (entry) => logged.push(entry) })

    it('counts a known sequence exactly by kind and round trips', async () => {
      const conn: InstrumentedConnection = await scratch.open()
      const p = scratch.server.dialect.adapter.placeholder
      logged.length = 0
      try {
        expect(conn.counters().statements.total).toBe(0)
        await conn.query(
          'CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, n INTEGER NOT NULL)',
        )
        await conn.query(`INSERT INTO items (id, name, n) VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)`)
        await conn.query(`SELECT id FROM items WHERE n > ${p(1)}`, [15])
        await conn.query(`UPDATE items SET n = n + 1 WHERE id = ${p(1)}`, [1])
        await conn.transaction(async (tx) => {
          await tx.query(`DELETE FROM items WHERE id = ${p(1)}`, [3])
          await tx.query(`INSERT INTO items (id, name, n) VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [4, 'd', 40])
        })
        await expect(
          conn.transaction(async (tx) => {
            await tx.query('UPDATE items SET n = 0')
            throw new Error('changed my mind')
          }),
        ).rejects.toThrow('changed my mind')
        await expect(conn.query('SELEC 1')).rejects.toThrow()

        // 1 CREATE (other) + 1 INSERT + 1 SELECT + 1 UPDATE
        // + BEGIN, DELETE, INSERT, COMMIT + BEGIN, UPDATE, ROLLBACK + 1 failed statement (other)
        expect(conn.counters()).toEqual({
          statements: {
            select: 1,
            insert: 2,
            update: 2,
            delete: 1,
            begin: 2,
            commit: 1,
            rollback: 1,
            other: 2,
            total: 12,
          },
          roundTrips: 12,
        })
        expect(logged.map((e) => e.kind)).toEqual([
          'other',
          'insert',
          'select',
          'update',
          'begin',
          'delete',
          'insert',
          'commit',
          'begin',
          'update',
          'rollback',
          'other',
        ])
        expect(logged.at(-1)?.error).toBeDefined()
        expect(logged[2]?.params).toEqual([15])
        expect(logged[2]?.rows).toBe(2)
      } finally {
        await conn.close()
      }
    })

    it('snapshots are immutable, and reset and differences work', async () => {
      const conn = await scratch.open()
      try {
        await conn.query('SELECT 1')
        const before = conn.counters()
        await conn.query('SELECT 2')
        await conn.query('DELETE FROM items WHERE id = 0')
        const after = conn.counters()
        expect(before.statements.total).toBe(1)
        expect(() => ((before.statements as Record<string, number>).total = 9)).toThrow()
        expect(countersBetween(before, after)).toEqual({
          statements: {
            select: 1,
            insert: 0,
            update: 0,
            delete: 1,
            begin: 0,
            commit: 0,
            rollback: 0,
            other: 0,
            total: 2,
          },
          roundTrips: 2,
        })
        conn.resetCounters()
        expect(conn.counters().statements.total).toBe(0)
        expect(conn.counters().roundTrips).toBe(0)
      } finally {
        await conn.close()
      }
    })
  })
}
