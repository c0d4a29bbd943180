import { createHash } from 'node:crypto'
import type { Connection } from '../db/connection.js'
import type { SqlAdapter } from '../db/dialect.js'
import { bindPlaceholders } from '../db/placeholders.js'
import type { CellValue, TableSpec } from '../core/table-spec.js'
import { canonicalizer } from './canonical-values.js'

/** Moved to `canonical-values.ts` with the other canonical forms; still exported here. */
export { canonicalizer, stableJson } from './canonical-values.js'

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
 * as decimal, timestamps as `YYYY-MM-DD HH:MM:SS`, JSON re-serialised with sorted keys, NULL as `\N`;
 * see `canonical-values.ts`).
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

/**
 * One table's checksum. A table keyed by one column is hashed row by row in key order; a table with a
 * composite key or none is hashed as a multiset (the sum of its rows' hashes), since its rows' order is
 * not the generator's on every database, and rows without a key can only be compared as a bag.
 */
export async function tableChecksum(
  conn: Connection,
  adapter: SqlAdapter,
  table: TableSpec,
  scope: ChecksumScope = {},
): Promise<TableChecksum> {
  const included = table.columns.filter((c) => !scope.exclude?.includes(c.name))
  const canon = included.map((c) => canonicalizer(c))
  const names = included.map((c) => c.name)
  const line = (row: Record<string, unknown>) => {
    let out = ''
    for (let i = 0; i < names.length; i++) {
      if (i > 0) out += '\t'
      out += (canon[i] as (v: unknown) => string)(row[names[i] as string])
    }
    return out
  }
  const single = table.primaryKey.length === 1 ? (table.primaryKey[0] as string) : undefined
  if (single === undefined) return bagChecksum(conn, adapter, table, scope, names, line)
  const q = adapter.quote
  const pk = q(single)
  const columns = [...new Set([single, ...names])].map(q).join(', ')
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
    for (const row of page.rows) hash.update(line(row) + '\n')
    rows += page.rows.length
    if (page.rows.length < PAGE_ROWS) break
    last = page.rows[page.rows.length - 1]?.[single]
  }
  return { rows, checksum: hash.digest('hex') }
}

/** The multiset hash: each row's sha256 added up modulo 2^256, so row order does not matter. */
export class BagHash {
  #sum = 0n
  add(line: string): void {
    this.#sum = (this.#sum + BigInt(`0x${createHash('sha256').update(line).digest('hex')}`)) % 2n ** 256n
  }
  digest(): string {
    return this.#sum.toString(16).padStart(64, '0')
  }
}

/** Pages of a table without a single-column key, ordered by every column read so pages do not overlap. */
async function bagChecksum(
  conn: Connection,
  adapter: SqlAdapter,
  table: TableSpec,
  scope: ChecksumScope,
  names: readonly string[],
  line: (row: Record<string, unknown>) => string,
): Promise<TableChecksum> {
  const q = adapter.quote
  const order = (table.primaryKey.length > 0 ? table.primaryKey : names).map(q).join(', ')
  const where = scope.filter ? ` WHERE ${scope.filter.sql}` : ''
  const bag = new BagHash()
  let rows = 0
  for (;;) {
    const page = await conn.query(
      bindPlaceholders(
        `SELECT ${names.map(q).join(', ')} FROM ${q(table.name)}${where} ORDER BY ${order} LIMIT ${PAGE_ROWS} OFFSET ${rows}`,
        adapter,
      ),
      scope.filter?.params ?? [],
    )
    for (const row of page.rows) bag.add(line(row))
    rows += page.rows.length
    if (page.rows.length < PAGE_ROWS) break
  }
  return { rows, checksum: bag.digest() }
}
