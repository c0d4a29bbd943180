import type { InstrumentedConnection } from '../instrumented-connection.js'
import type { CellValue, TableSpec } from '../../core/table-spec.js'
import { cellEncoders, tsvChunks } from '../../core/tsv.js'
import { POSTGRES_COPY_ENCODERS } from './postgres-copy-values.js'
import { postgresAdapter } from './postgres-adapter.js'
import { postgresSchema } from './postgres-schema.js'

/**
 * PostgreSQL's fastest path: the table created and filled by one `COPY ... FROM STDIN` in one
 * transaction, streamed batch by batch. FREEZE (allowed because the table is new in this transaction)
 * writes the rows already frozen, so the index builds that follow do not rewrite every page to set
 * hint bits, as pgbench -i does. (A partitioned table takes no FREEZE: PostgreSQL refuses it there.)
 */
export async function postgresLoadTable(
  conn: InstrumentedConnection,
  table: TableSpec,
  batches: Iterable<readonly CellValue[][]>,
): Promise<number> {
  const q = postgresAdapter.quote
  const sql = `COPY ${q(table.name)} (${table.columns.map((c) => q(c.name)).join(', ')}) FROM STDIN${table.partitions ? '' : ' WITH (FREEZE)'}`
  return conn.transaction(async () => {
    for (const ddl of postgresSchema.createTable(table)) await conn.query(ddl)
    return conn.copyIn(
      sql,
      tsvChunks(
        batches,
        cellEncoders(
          table.columns.map((c) => c.type),
          POSTGRES_COPY_ENCODERS,
        ),
      ),
    )
  })
}
