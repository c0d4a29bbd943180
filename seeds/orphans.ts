import type { Connection } from '../db/connection.js'
import type { SqlAdapter } from '../db/dialect.js'
import { scalar } from '../db/scalar.js'
import type { ForeignKeySpec } from '../core/table-spec.js'

/**
 * Rows of `table` whose foreign key `fk` names a parent row that does not exist (NULL references are
 * not orphans). The seeder asks it of a freshly loaded database, the verifier of one a strategy deleted
 * from.
 */
export async function countOrphans(
  conn: Connection,
  adapter: SqlAdapter,
  table: string,
  fk: ForeignKeySpec,
): Promise<number> {
  const q = adapter.quote
  const on = fk.columns.map((c, i) => `p.${q(fk.referencedColumns[i] ?? '')} = c.${q(c)}`).join(' AND ')
  // A composite reference with any column NULL is not checked (MATCH SIMPLE, every database's default).
  const set = fk.columns.map((c) => `c.${q(c)} IS NOT NULL`).join(' AND ')
  const missing = `p.${q(fk.referencedColumns[0] ?? '')} IS NULL`
  return Number(
    await scalar(
      conn,
      `SELECT COUNT(*) FROM ${q(table)} c LEFT JOIN ${q(fk.references)} p ON ${on} WHERE ${set} AND ${missing}`,
    ),
  )
}
