import type { Connection } from '../connection.js'
import type { TableSpec } from '../../core/table-spec.js'
import { mysqlAdapter } from './mysql-adapter.js'
import { baseTables } from './mysql-tablespaces.js'

const q = mysqlAdapter.quote

/**
 * MySQL has no database template: a copy recreates each table from `SHOW CREATE TABLE` (which, unlike
 * `CREATE TABLE ... LIKE`, keeps foreign keys). `conn` is a session on the (new, empty) target
 * database; returns the tables created, the marker first.
 */
export async function createTablesOf(conn: Connection, source: string): Promise<string[]> {
  // The marker first: a copy cut short is still recognisably delbench's, and can be dropped.
  const names = await baseTables(conn, source)
  await conn.query('SET foreign_key_checks = 0')
  for (const name of names) {
    const created = await conn.query<Record<string, string>>(`SHOW CREATE TABLE ${q(source)}.${q(name)}`)
    const ddl = created.rows[0]?.['Create Table']
    if (!ddl) throw new Error(`SHOW CREATE TABLE ${source}.${name} returned nothing`)
    await conn.query(ddl)
  }
  await conn.query('SET foreign_key_checks = 1')
  return names
}

/** Copies every row of `tables` from `source` into the (empty) tables of the same names on `conn`. */
export async function copyRows(conn: Connection, source: string, tables: readonly string[]): Promise<void> {
  await conn.query('SET foreign_key_checks = 0')
  // (Deferring secondary indexes to a sorted build after the copy was measured slower on MariaDB.)
  for (const name of tables) await conn.query(`INSERT INTO ${q(name)} SELECT * FROM ${q(source)}.${q(name)}`)
  await conn.query('SET foreign_key_checks = 1')
}

/**
 * Whether each table of the copy on `conn` still has its definition in `source`: a strategy may have
 * changed one (dropped partitions, swapped in a copy), which neither rows nor files can repair.
 */
export async function sameDefinitions(
  conn: Connection,
  source: string,
  tables: readonly TableSpec[],
): Promise<boolean> {
  for (const table of tables) {
    if ((await definition(conn, q(table.name))) !== (await definition(conn, `${q(source)}.${q(table.name)}`)))
      return false
  }
  return true
}

/**
 * The share of rows the copy on `conn` lacks or has over `source`, by row counts; undefined where rows
 * cannot be matched one to one (a table without a primary key), so that only a full copy restores it.
 */
export async function changedShare(
  conn: Connection,
  source: string,
  tables: readonly TableSpec[],
): Promise<number | undefined> {
  if (tables.some((t) => t.primaryKey.length === 0)) return undefined
  let missing = 0
  let total = 0
  for (const table of tables) {
    const { rows } = await conn.query<{ w: number; s: number }>(
      `SELECT (SELECT COUNT(*) FROM ${q(table.name)}) AS w, (SELECT COUNT(*) FROM ${q(source)}.${q(table.name)}) AS s`,
    )
    missing += Math.abs(Number(rows[0]?.s) - Number(rows[0]?.w))
    total += Number(rows[0]?.s)
  }
  return total === 0 ? 0 : missing / total
}

/**
 * Repairs a copy in place instead of copying everything again: per table, rows the copy has and the
 * source has not are deleted, rows it lacks are re-inserted, and `CHECKSUM TABLE` must then agree; a
 * table that still differs (updated rows) has every row rewritten from the source and is checked again.
 * After a delete benchmark this costs about the deleted rows, not the whole database. Returns false when
 * a table could not be proven equal (the caller then makes a full copy). The definitions must be the
 * source's (`sameDefinitions`) and every table must have a primary key.
 */
export async function repairRows(
  conn: Connection,
  source: string,
  tables: readonly TableSpec[],
): Promise<boolean> {
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

/** Whether `CHECKSUM TABLE` gives the same non-null sum for two tables. */
export async function sameChecksum(conn: Connection, a: string, b: string): Promise<boolean> {
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
