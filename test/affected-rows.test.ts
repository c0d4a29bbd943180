import { describe, expect, it } from 'vitest'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { useScratchDatabase } from './support/test-server.js'

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`affected-row counts on ${db.dialect}`, () => {
    const scratch = useScratchDatabase(db, 'affected')

    it('reports rows inserted, matched, deleted; none for reads, DDL and transaction control', async () => {
      const conn = await scratch.open()
      const p = scratch.server.dialect.adapter.placeholder
      try {
        expect(
          (await conn.query('CREATE TABLE books (id INTEGER PRIMARY KEY, quantity INTEGER NOT NULL)'))
            .affected,
        ).toBe(0)
        expect(
          (await conn.query('INSERT INTO books (id, quantity) VALUES (1, 0), (2, 0), (3, 5), (4, 7)'))
            .affected,
        ).toBe(4)
        // Rows *matched*, also where the value does not change (MySQL would report 1 changed row by default).
        expect(
          (await conn.query(`UPDATE books SET quantity = ${p(1)} WHERE quantity = 0 OR id = 1`, [0]))
            .affected,
        ).toBe(2)
        const read = await conn.query<{ id: number }>('SELECT id FROM books ORDER BY id')
        expect(read.affected).toBe(0)
        expect(read.rows.map((r) => Number(r.id))).toEqual([1, 2, 3, 4])
        const deleted = await conn.transaction(
          async (tx) => (await tx.query('DELETE FROM books WHERE quantity = 0')).affected,
        )
        expect(deleted).toBe(2)
        expect((await conn.query('DELETE FROM books WHERE id = 99')).affected).toBe(0)
        // After a write, statements that write nothing must not report its count again.
        await conn.query('DELETE FROM books WHERE id = 3')
        expect((await conn.query('BEGIN')).affected).toBe(0)
        expect((await conn.query('COMMIT')).affected).toBe(0)
        expect((await conn.query('CREATE TABLE other_books (id INTEGER)')).affected).toBe(0)
      } finally {
        await conn.close()
      }
    })
  })
}
