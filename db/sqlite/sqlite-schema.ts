import type { SchemaBuilder } from '../dialect.js'
import { foreignKeyClause, secondaryIndexes } from '../schema-sql.js'
import type { TableSpec } from '../../core/table-spec.js'
import { sqliteAdapter } from './sqlite-adapter.js'
import { sqliteColumnType } from './sqlite-types.js'

const q = sqliteAdapter.quote

/**
 * SQLite cannot add a primary key or a foreign key to an existing table, so both are part of CREATE
 * TABLE (FK checks are off while loading); secondary indexes come after the load.
 */
export const sqliteSchema: SchemaBuilder = {
  createTable(table: TableSpec): string[] {
    const single = table.primaryKey.length === 1 ? table.primaryKey[0] : undefined
    const columns = table.columns.map((c) => {
      const type = sqliteColumnType(c, q(c.name))
      // INTEGER PRIMARY KEY makes the key the rowid, as every SQLite ORM table has it.
      const pk = c.name === single ? ' PRIMARY KEY' : ''
      return `${q(c.name)} ${type}${pk}${c.nullable || pk ? '' : ' NOT NULL'}`
    })
    // A composite key is a table constraint; a table without one keeps only its rowid.
    const key = table.primaryKey.length > 1 ? [`PRIMARY KEY (${table.primaryKey.map(q).join(', ')})`] : []
    const fks = table.foreignKeys.map((fk) => foreignKeyClause(fk, q))
    return [`CREATE TABLE ${q(table.name)} (${[...columns, ...key, ...fks].join(', ')})`]
  },
  indexTable: (table) => secondaryIndexes(table, q),
  unindexedForeignKeys: true,
  validatesForeignKeys: false,
  analyzeTable: (table) => [`ANALYZE ${q(table.name)}`],
  constrainTable: () => [],
  partitioningRefused: (tables) =>
    tables.some((t) => t.partitions) ? 'SQLite has no table partitioning' : undefined,
}
