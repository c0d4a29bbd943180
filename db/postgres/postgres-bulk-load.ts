import type { InstrumentedConnection } from '../instrumented-connection.js'
import type { CellValue, ColumnSpec, TableSpec } from '../../core/table-spec.js'
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
  constants: ReadonlyMap<string, CellValue> = new Map(),
): Promise<number> {
  try {
    return await postgresLoadTableAs(conn, table, 'binary', batches, constants)
  } catch (error) {
    if (!(error instanceof NotBinaryValue)) throw error
  }
  return postgresLoadTableAs(conn, table, 'text', batches)
}

/**
 * A constant column's value as a default the server can fill in, or undefined where it is not one of
 * the plain forms whose stored value is plainly the text's (a safe integer in an integer column, a
 * string in a text column, null anywhere: no default at all). Dollar-quoted: read the same whatever
 * `standard_conforming_strings` says.
 */
function serverDefault(column: ColumnSpec, value: CellValue): string | null | undefined {
  if (value === null) return column.nullable ? null : undefined
  if ((column.type === 'integer' || column.type === 'bigint') && Number.isSafeInteger(value))
    return String(value)
  const textual = column.type === 'varchar' || column.type === 'text'
  if (!textual || typeof value !== 'string' || value.includes('\0') || value.includes('$d$')) return undefined
  return `$d$${value}$d$`
}

/**
 * The table created and loaded by one COPY in the given format (no fallback). In the binary format the
 * constant columns it can are filled by the server from a default set for the load and dropped after
 * it: pgbench's accounts send 18 bytes a row instead of 110 (the 84-byte filler and a zero balance).
 */
export function postgresLoadTableAs(
  conn: InstrumentedConnection,
  table: TableSpec,
  format: 'binary' | 'text',
  batches: () => Iterable<readonly CellValue[][]>,
  constants: ReadonlyMap<string, CellValue> = new Map(),
): Promise<number> {
  const q = postgresAdapter.quote
  const filled = new Map<number, string | null>()
  if (format === 'binary')
    table.columns.forEach((column, i) => {
      const value = constants.get(column.name)
      const fill = value === undefined ? undefined : serverDefault(column, value)
      if (fill !== undefined) filled.set(i, fill)
    })
  // A row of no fields cannot be sent: a table of constants alone is sent whole.
  if (filled.size === table.columns.length) filled.clear()
  const sent = table.columns.flatMap((_, i) => (filled.has(i) ? [] : [i]))
  // The filled columns that take a default (null needs none): set for the load, dropped after it.
  const defaulted = [...filled].flatMap(([i, fill]) =>
    fill === null ? [] : [{ column: q(table.columns[i]?.name ?? ''), fill }],
  )
  const chunks =
    format === 'binary'
      ? binaryCopyChunks(batches(), table.columns, sent)
      : tsvChunks(
          batches(),
          cellEncoders(
            table.columns.map((c) => c.type),
            POSTGRES_COPY_ENCODERS,
          ),
        )
  const options = [...(format === 'binary' ? ['FORMAT binary'] : []), ...(table.partitions ? [] : ['FREEZE'])]
  const names = sent.map((i) => q(table.columns[i]?.name ?? '')).join(', ')
  const sql = `COPY ${q(table.name)} (${names}) FROM STDIN${options.length ? ` WITH (${options.join(', ')})` : ''}`
  return conn.transaction(async () => {
    for (const ddl of postgresSchema.createTable(table)) await conn.query(ddl)
    const alter = (change: (d: (typeof defaulted)[number]) => string) =>
      conn.query(
        `ALTER TABLE ${q(table.name)} ${defaulted.map((d) => `ALTER COLUMN ${d.column} ${change(d)}`).join(', ')}`,
      )
    if (defaulted.length > 0) await alter((d) => `SET DEFAULT ${d.fill}`)
    const loaded = await conn.copyIn(sql, chunks)
    if (defaulted.length > 0) await alter(() => 'DROP DEFAULT')
    return loaded
  })
}
