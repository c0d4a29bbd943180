import type { Connection } from './connection.js'

/**
 * Whether `DELETE ... LIMIT n` runs on this server: tried on a temporary table, never assumed from the
 * product name (SQLite has it only when compiled in, MariaDB and MySQL have it, PostgreSQL does not).
 */
export async function probeDeleteLimit(conn: Connection): Promise<boolean> {
  const table = 'delbench_probe_delete_limit'
  await conn.query(`CREATE TEMPORARY TABLE ${table} (x INTEGER)`)
  try {
    await conn.query(`INSERT INTO ${table} (x) VALUES (1), (2)`)
    const result = await conn.query(`DELETE FROM ${table} LIMIT 1`)
    return result.affected === 1
  } catch {
    return false
  } finally {
    await conn.query(`DROP TABLE ${table}`)
  }
}
