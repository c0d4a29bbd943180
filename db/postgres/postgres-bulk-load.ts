import type { InstrumentedConnection } from '../instrumented-connection.js'
import type { CellValue, TableSpec } from '../table-spec.js'
import { tsvChunks } from '../tsv.js'
import { postgresAdapter } from './postgres-adapter.js'

/** PostgreSQL's fastest path: one `COPY ... FROM STDIN` per table, streamed batch by batch. */
export async function postgresBulkLoad(
  conn: InstrumentedConnection,
  table: TableSpec,
  batches: Iterable<readonly CellValue[][]>,
): Promise<number> {
  const q = postgresAdapter.quote
  const sql = `COPY ${q(table.name)} (${table.columns.map((c) => q(c.name)).join(', ')}) FROM STDIN`
  return conn.copyIn(sql, tsvChunks(batches))
}
