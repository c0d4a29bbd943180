import { createHash } from 'node:crypto'
import type { Connection } from '../db/connection.js'
import type { SqlAdapter } from '../db/dialect.js'
import { bindPlaceholders } from '../db/placeholders.js'
import type { CellValue, TableSpec } from '../core/table-spec.js'
import { canonicalizer } from './canonical-values.js'
import { rowBatches } from './row-batches.js'
import { rowCounts } from '../scenarios/row-counts.js'
import type { SeedRequest } from './seeder.js'
import { ValuePools } from './value-pools.js'

/** Moved to `canonical-values.ts` with the other canonical forms; still exported here. */
export { stableJson } from './canonical-values.js'

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

/**
 * The checksums the seeded tables must have, computed from the generator alone (no database): a
 * database whose read-back checksums equal these holds exactly the generated rows.
 */
export function generatedChecksums(request: SeedRequest): Record<string, TableChecksum> {
  const counts = rowCounts(request.scenario, request.scale)
  const ctx = { scenario: request.scenario, seed: request.seed, counts, pools: new ValuePools(request.seed) }
  const result: Record<string, TableChecksum> = {}
  for (const table of request.scenario.tables) {
    const canon = table.columns.map((c) => canonicalizer(c))
    const hash = createHash('sha256')
    let rows = 0
    for (const batch of rowBatches(table, ctx)) {
      for (const row of batch)
        hash.update(row.map((v, i) => (canon[i] as (v: unknown) => string)(v)).join('\t') + '\n')
      rows += batch.length
    }
    result[table.name] = { rows, checksum: hash.digest('hex') }
  }
  return result
}
