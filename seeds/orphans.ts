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
  const child = `c.${q(fk.column)}`
  const parent = `p.${q(fk.referencedColumn)}`
  return Number(
    await scalar(
      conn,
      `SELECT COUNT(*) FROM ${q(table)} c LEFT JOIN ${q(fk.references)} p ON ${parent} = ${child} ` +
        `WHERE ${child} IS NOT NULL AND ${parent} IS NULL`,
    ),
  )
}
