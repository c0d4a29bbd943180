import { describe, expect, it } from 'vitest'
import { TransactionNestingError } from '../db/instrumented-connection.js'
import { scalar } from '../db/scalar.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { useScratchDatabase } from './support/test-server.js'

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`transactions on ${db.dialect}`, () => {
    const scratch = useScratchDatabase(db, 'transactions', {
      setup: async (conn) => {
        await conn.query('CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)')
        await conn.query('INSERT INTO accounts (id, balance) VALUES (1, 100), (2, 100)')
      },
    })

    it('rolls back everything a throwing transaction did, and rethrows its error', async () => {
      const conn = await scratch.open()
      const observer = await scratch.open()
      const failure = new Error('transfer failed')
      try {
        const attempt = conn.transaction(async (tx) => {
          await tx.query('UPDATE accounts SET balance = balance - 30 WHERE id = 1')
          await tx.query('INSERT INTO accounts (id, balance) VALUES (3, 30)')
          throw failure
        })
        await expect(attempt).rejects.toBe(failure)
        expect(await scalar(conn, 'SELECT SUM(balance) FROM accounts')).toBe('200')
        expect(await scalar(observer, 'SELECT COUNT(*) FROM accounts')).toBe('2')
        expect(conn.inTransaction).toBe(false)
      } finally {
        await conn.close()
        await observer.close()
      }
    })

    it('commits a transaction that returns, visible to another connection', async () => {
      const conn = await scratch.open()
      const observer = await scratch.open()
      try {
        const result = await conn.transaction(async (tx) => {
          await tx.query('UPDATE accounts SET balance = balance - 25 WHERE id = 1')
          await tx.query('UPDATE accounts SET balance = balance + 25 WHERE id = 2')
          return 'done'
        })
        expect(result).toBe('done')
        expect(await scalar(observer, 'SELECT balance FROM accounts WHERE id = 2')).toBe('125')
      } finally {
        await conn.close()
        await observer.close()
      }
    })

    it('refuses to nest, and the outer transaction still rolls back', async () => {
      const conn = await scratch.open()
      try {
        const attempt = conn.transaction(async (tx) => {
          await tx.query('UPDATE accounts SET balance = 0')
          await conn.transaction(async () => undefined)
        })
        await expect(attempt).rejects.toBeInstanceOf(TransactionNestingError)
        expect(await scalar(conn, 'SELECT SUM(balance) FROM accounts')).toBe('200')
        expect(conn.counters().statements).toMatchObject({ begin: 1, update: 1, rollback: 1, commit: 0 })
      } finally {
        await conn.close()
      }
    })
  })
}
