import type { InstrumentedConnection } from '../instrumented-connection.js'
import type { CellValue, TableSpec } from '../../core/table-spec.js'
import { cellEncoders, tsvChunks } from '../../core/tsv.js'
import { binaryCopyChunks, NotBinaryValue } from './postgres-binary-copy.js'
import { POSTGRES_COPY_ENCODERS } from './postgres-copy-values.js'
import { postgresAdapter } from './postgres-adapter.js'
import { postgresSchema } from './postgres-schema.js'

/**
 * PostgreSQL's fastest path: the table created and filled by one `COPY ... FROM STDIN` in one
 * transaction, streamed batch by batch, in the binary format. FREEZE (allowed because the table is new
 * in this transaction) writes the rows already frozen, so the index builds that follow do not rewrite
 * every page to set hint bits, as pgbench -i does. (A partitioned table takes no FREEZE: PostgreSQL
 * refuses it there.) A value the binary encoders cannot carry exactly rolls the table back, and it is
 * created and loaded again from a fresh stream as text, which the server reads in every form.
 */
export async function postgresLoadTable(
  conn: InstrumentedConnection,
  table: TableSpec,
  batches: () => Iterable<readonly CellValue[][]>,
): Promise<number> {
  try {
    return await postgresLoadTableAs(conn, table, 'binary', batches)
  } catch (error) {
    if (!(error instanceof NotBinaryValue)) throw error
  }
  return postgresLoadTableAs(conn, table, 'text', batches)
}

/** The table created and loaded by one COPY in the given format (no fallback). */
export function postgresLoadTableAs(
  conn: InstrumentedConnection,
  table: TableSpec,
  format: 'binary' | 'text',
  batches: () => Iterable<readonly CellValue[][]>,
): Promise<number> {
  const chunks =
    format === 'binary'
      ? binaryCopyChunks(batches(), table.columns)
      : tsvChunks(
          batches(),
          cellEncoders(
            table.columns.map((c) => c.type),
            POSTGRES_COPY_ENCODERS,
          ),
        )
  const q = postgresAdapter.quote
  const options = [...(format === 'binary' ? ['FORMAT binary'] : []), ...(table.partitions ? [] : ['FREEZE'])]
  const sql = `COPY ${q(table.name)} (${table.columns.map((c) => q(c.name)).join(', ')}) FROM STDIN${options.length ? ` WITH (${options.join(', ')})` : ''}`
  return conn.transaction(async () => {
    for (const ddl of postgresSchema.createTable(table)) await conn.query(ddl)
    return conn.copyIn(sql, chunks)
  })
}
