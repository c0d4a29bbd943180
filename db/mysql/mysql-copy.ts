import type { Connection } from '../connection.js'
import { MARKER_TABLE } from '../ownership.js'
import type { TableSpec } from '../../core/table-spec.js'
import { mysqlAdapter } from './mysql-adapter.js'

const q = mysqlAdapter.quote

/** Above this share of rows missing or added, a full copy is cheaper than a repair in place (measured). */
const MAX_REFRESH_FRACTION = 0.05

/**
 * MySQL has no database template: a full copy recreates each table from `SHOW CREATE TABLE` (which,
 * unlike `CREATE TABLE ... LIKE`, keeps foreign keys) and copies its rows with INSERT ... SELECT.
 * `conn` is a session on the (new, empty) target database.
 */
export async function copyAllTables(conn: Connection, source: string): Promise<void> {
  const { rows } = await conn.query<{ name: string }>(
    // The marker first: a copy cut short is still recognisably delbench's, and can be dropped.
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name = ? DESC, table_name",
    [source, MARKER_TABLE],
  )
  await conn.query('SET foreign_key_checks = 0')
  for (const { name } of rows) {
    const created = await conn.query<Record<string, string>>(`SHOW CREATE TABLE ${q(source)}.${q(name)}`)
    const ddl = created.rows[0]?.['Create Table']
    if (!ddl) throw new Error(`SHOW CREATE TABLE ${source}.${name} returned nothing`)
    // (Deferring secondary indexes to a sorted build after the copy was measured slower on MariaDB.)
    await conn.query(ddl)
    await conn.query(`INSERT INTO ${q(name)} SELECT * FROM ${q(source)}.${q(name)}`)
  }
  await conn.query('SET foreign_key_checks = 1')
}

/**
 * Repairs a copy in place instead of copying everything again: per table, rows the copy has and the
 * source has not are deleted, rows it lacks are re-inserted, and `CHECKSUM TABLE` must then agree; a
 * table that still differs (updated rows) has every row rewritten from the source and is checked again.
 * After a delete benchmark this costs about the deleted rows, not the whole database. Returns false
 * (and the caller makes a full copy) when too much changed for a repair to pay, or when a table could
 * not be proven equal.
 */
export async function refreshTables(
  conn: Connection,
  source: string,
  tables: readonly TableSpec[],
): Promise<boolean> {
  // A strategy may have changed a table's definition (dropped partitions, swapped in a copy): rows
  // alone cannot repair that.
  for (const table of tables) {
    if ((await definition(conn, q(table.name))) !== (await definition(conn, `${q(source)}.${q(table.name)}`)))
      return false
  }
  // Rows of a table without a primary key cannot be matched one to one: only a full copy restores it.
  if (tables.some((t) => t.primaryKey.length === 0)) return false
  // Re-inserting most of a table costs more than copying it whole with sorted index builds.
  let missing = 0
  let total = 0
  for (const table of tables) {
    const { rows } = await conn.query<{ w: number; s: number }>(
      `SELECT (SELECT COUNT(*) FROM ${q(table.name)}) AS w, (SELECT COUNT(*) FROM ${q(source)}.${q(table.name)}) AS s`,
    )
    missing += Math.abs(Number(rows[0]?.s) - Number(rows[0]?.w))
    total += Number(rows[0]?.s)
  }
  if (missing > total * MAX_REFRESH_FRACTION) return false
  await conn.query('SET foreign_key_checks = 0')
  try {
    for (const table of tables) {
      const t = q(table.name)
      const s = `${q(source)}.${t}`
      const pk = table.primaryKey.map(q)
      const on = pk.map((c) => `s.${c} = w.${c}`).join(' AND ')
      const first = pk[0] as string
      await conn.query(`DELETE w FROM ${t} w LEFT JOIN ${s} s ON ${on} WHERE s.${first} IS NULL`)
      await conn.query(
        `INSERT INTO ${t} SELECT s.* FROM ${s} s LEFT JOIN ${t} w ON ${on} WHERE w.${first} IS NULL`,
      )
      if (await sameChecksum(conn, t, s)) continue
      const columns = table.columns.map((c) => `${q(c.name)} = VALUES(${q(c.name)})`).join(', ')
      await conn.query(`INSERT INTO ${t} SELECT * FROM ${s} ON DUPLICATE KEY UPDATE ${columns}`)
      if (!(await sameChecksum(conn, t, s))) return false
    }
    return true
  } finally {
    await conn.query('SET foreign_key_checks = 1')
  }
}

async function sameChecksum(conn: Connection, a: string, b: string): Promise<boolean> {
  const { rows } = await conn.query<{ Checksum: number | string | null }>(`CHECKSUM TABLE ${a}, ${b}`)
  return (
    rows.length === 2 && rows[0]?.Checksum !== null && String(rows[0]?.Checksum) === String(rows[1]?.Checksum)
  )
}

/** A table's definition as SHOW CREATE TABLE gives it, without its name line and counters. */
async function definition(conn: Connection, table: string): Promise<string> {
  const { rows } = await conn.query<Record<string, string>>(`SHOW CREATE TABLE ${table}`)
  return (rows[0]?.['Create Table'] ?? '').replace(/^[^\n]*\n/, '').replace(/ AUTO_INCREMENT=\d+/, '')
}
