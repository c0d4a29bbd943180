import type { InstrumentedConnection } from '../instrumented-connection.js'
import type { CellValue, TableSpec } from '../../core/table-spec.js'
import { sqliteAdapter } from './sqlite-adapter.js'
import { sqliteSchema } from './sqlite-schema.js'

/** Rows per INSERT: many rows per statement amortise the per-call cost; bounded by SQLite's parameter limit. */
const ROWS_PER_STATEMENT = 200
/** Rows per transaction: large, so commits (and their fsyncs) are rare, but the journal stays small. */
const ROWS_PER_TRANSACTION = 100_000

/**
 * The statement's parameters: the rows' values in order, with bytes (hex from the generators) as
 * Buffers, which SQLite stores as BLOBs. Tables without bytes columns pay nothing.
 */
function blobValues(table: TableSpec): (rows: readonly CellValue[][]) => unknown[] {
  const width = table.columns.length
  const blobs = table.columns.flatMap((c, i) => (c.type === 'bytes' ? [i] : []))
  if (blobs.length === 0) return (rows) => rows.flat()
  return (rows) => {
    const flat: unknown[] = rows.flat()
    for (let r = 0; r < rows.length; r++)
      for (const c of blobs) {
        const hex = flat[r * width + c]
        if (typeof hex === 'string') flat[r * width + c] = Buffer.from(hex, 'hex')
      }
    return flat
  }
}

/** SQLite's fastest path from JavaScript: prepared multi-row INSERTs in large transactions. */
export async function sqliteLoadTable(
  conn: InstrumentedConnection,
  table: TableSpec,
  batches: () => Iterable<readonly CellValue[][]>,
): Promise<number> {
  const q = sqliteAdapter.quote
  const width = table.columns.length
  const perStatement = Math.max(1, Math.min(ROWS_PER_STATEMENT, Math.floor(32766 / width)))
  const head = `INSERT INTO ${q(table.name)} (${table.columns.map((c) => q(c.name)).join(', ')}) VALUES `
  const tuple = `(${new Array(width).fill('?').join(', ')})`
  const sqlFor = (rows: number): string => head + new Array(rows).fill(tuple).join(', ')
  const full = sqlFor(perStatement)
  const values = blobValues(table)

  for (const sql of sqliteSchema.createTable(table)) await conn.query(sql)
  let loaded = 0
  let inTransaction = 0
  await conn.query('BEGIN')
  try {
    for (const batch of batches()) {
      for (let start = 0; start < batch.length; start += perStatement) {
        const rows = batch.slice(start, start + perStatement)
        const { affected } = await conn.query(
          rows.length === perStatement ? full : sqlFor(rows.length),
          values(rows),
        )
        loaded += affected
        inTransaction += rows.length
      }
      if (inTransaction >= ROWS_PER_TRANSACTION) {
        await conn.query('COMMIT')
        await conn.query('BEGIN')
        inTransaction = 0
      }
    }
    await conn.query('COMMIT')
  } catch (error) {
    await conn.query('ROLLBACK').catch(() => {})
    throw error
  }
  return loaded
}
