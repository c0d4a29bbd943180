import { createHash } from 'node:crypto'
import type { Connection } from '../db/connection.js'
import type { SqlAdapter } from '../db/dialect.js'
import { bindPlaceholders } from '../db/placeholders.js'
import type { CellValue, ColumnSpec, TableSpec } from '../core/table-spec.js'

/** Rows read per keyset page: a full table is never held in memory. */
const PAGE_ROWS = 50_000

export interface TableChecksum {
  readonly rows: number
  /** sha256 of the table's rows in key order, each value in a canonical text form. */
  readonly checksum: string
}

/**
 * A content checksum of each table, read back from the database: identical for identical content on
 * SQLite, PostgreSQL and MySQL, because every value is first put in one canonical text form (integers
 * as decimal, timestamps as `YYYY-MM-DD HH:MM:SS`, JSON re-serialised with sorted keys, NULL as `\N`).
 */
export async function tableChecksums(
  conn: Connection,
  adapter: SqlAdapter,
  tables: readonly TableSpec[],
): Promise<Record<string, TableChecksum>> {
  const result: Record<string, TableChecksum> = {}
  for (const table of tables) result[table.name] = await tableChecksum(conn, adapter, table)
  return result
}

/** Which rows and columns a checksum covers: all by default. */
export interface ChecksumScope {
  /** A portable condition (`?` placeholders) selecting the rows. */
  readonly filter?: { readonly sql: string; readonly params: readonly CellValue[] }
  /** Columns left out (e.g. a timestamp a callback is expected to change). */
  readonly exclude?: readonly string[]
}

export async function tableChecksum(
  conn: Connection,
  adapter: SqlAdapter,
  table: TableSpec,
  scope: ChecksumScope = {},
): Promise<TableChecksum> {
  const q = adapter.quote
  const pk = q(table.primaryKey)
  const included = table.columns.filter((c) => !scope.exclude?.includes(c.name))
  const columns = [...new Set([table.primaryKey, ...included.map((c) => c.name)])].map(q).join(', ')
  const canon = included.map((c) => canonicalizer(c))
  const names = included.map((c) => c.name)
  const hash = createHash('sha256')
  let rows = 0
  let last: unknown = null
  for (;;) {
    const conditions = [
      ...(scope.filter ? [`(${scope.filter.sql})`] : []),
      ...(last === null ? [] : [`${pk} > ?`]),
    ]
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''
    const page = await conn.query(
      bindPlaceholders(
        `SELECT ${columns} FROM ${q(table.name)}${where} ORDER BY ${pk} LIMIT ${PAGE_ROWS}`,
        adapter,
      ),
      [...(scope.filter?.params ?? []), ...(last === null ? [] : [last])],
    )
    for (const row of page.rows) {
      let line = ''
      for (let i = 0; i < names.length; i++) {
        if (i > 0) line += '\t'
        line += (canon[i] as (v: unknown) => string)(row[names[i] as string])
      }
      hash.update(line + '\n')
    }
    rows += page.rows.length
    if (page.rows.length < PAGE_ROWS) break
    last = page.rows[page.rows.length - 1]?.[table.primaryKey]
  }
  return { rows, checksum: hash.digest('hex') }
}

export function canonicalizer(column: ColumnSpec): (value: unknown) => string {
  const orNull = (fn: (v: unknown) => string) => (v: unknown) =>
    v === null || v === undefined ? '\\N' : fn(v)
  switch (column.type) {
    case 'integer':
    case 'bigint':
      return orNull((v) => String(Number(v)))
    case 'timestamp':
      // Drivers return the text as stored; a Date would mean a driver was not set up for this.
      return orNull((v) => (v instanceof Date ? v.toISOString().slice(0, 19).replace('T', ' ') : String(v)))
    case 'json':
      return orNull((v) => stableJson(typeof v === 'string' ? (JSON.parse(v) as unknown) : v))
    default:
      return orNull((v) => String(v))
  }
}

/** JSON with object keys sorted: PostgreSQL's jsonb reorders keys, MySQL and SQLite keep the text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}
