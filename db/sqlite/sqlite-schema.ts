import type { SchemaBuilder } from '../dialect.js'
import { onDeleteClause, secondaryIndexes } from '../schema-sql.js'
import type { ColumnSpec, TableSpec } from '../../core/table-spec.js'
import { sqliteAdapter } from './sqlite-adapter.js'

const q = sqliteAdapter.quote

const TYPES: Readonly<Record<ColumnSpec['type'], string>> = {
  integer: 'INTEGER',
  bigint: 'INTEGER',
  varchar: 'VARCHAR',
  text: 'TEXT',
  // SQLite has no date type: the UTC text sorts and compares correctly.
  timestamp: 'TEXT',
  json: 'TEXT',
}

/**
 * SQLite cannot add a primary key or a foreign key to an existing table, so both are part of CREATE
 * TABLE (FK checks are off while loading); secondary indexes come after the load.
 */
export const sqliteSchema: SchemaBuilder = {
  createTable(table: TableSpec): string[] {
    const columns = table.columns.map((c) => {
      const type = TYPES[c.type] + (c.type === 'varchar' && c.length ? `(${c.length})` : '')
      // INTEGER PRIMARY KEY makes the key the rowid, as every SQLite ORM table has it.
      const pk = c.name === table.primaryKey ? ' PRIMARY KEY' : ''
      return `${q(c.name)} ${type}${pk}${c.nullable || pk ? '' : ' NOT NULL'}`
    })
    const fks = table.foreignKeys.map(
      (fk) =>
        `FOREIGN KEY (${q(fk.column)}) REFERENCES ${q(fk.references)} (${q(fk.referencedColumn)})${onDeleteClause(fk)}`,
    )
    return [`CREATE TABLE ${q(table.name)} (${[...columns, ...fks].join(', ')})`]
  },
  indexTable: (table) => secondaryIndexes(table, q),
  unindexedForeignKeys: true,
  validatesForeignKeys: false,
  analyzeTable: (table) => [`ANALYZE ${q(table.name)}`],
  constrainTable: () => [],
  partitioningRefused: (tables) =>
    tables.some((t) => t.partitions) ? 'SQLite has no table partitioning' : undefined,
}
