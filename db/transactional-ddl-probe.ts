import type { Connection } from './connection.js'
import type { SqlAdapter } from './dialect.js'
import { scalar } from './scalar.js'

/**
 * Whether DDL rolls back with its transaction: a table is created in a transaction that is rolled
 * back, and looked for after (MySQL commits a CREATE TABLE by itself, so it stays; it is dropped).
 */
export async function probeTransactionalDdl(conn: Connection, adapter: SqlAdapter): Promise<boolean> {
  const table = 'delbench_probe_transactional_ddl'
  const rollBack = new Error('roll back the probe')
  await conn
    .transaction(async (tx) => {
      await tx.query(`CREATE TABLE ${table} (x INTEGER)`)
      throw rollBack
    })
    .catch((error: unknown) => {
      if (error !== rollBack) throw error
    })
  if (Number(await scalar(conn, adapter.tableExistsSql(table))) === 0) return true
  await conn.query(`DROP TABLE ${table}`)
  return false
}
