import type { SchemaBuilder } from '../dialect.js'
import { foreignKeyClause, secondaryIndexes } from '../schema-sql.js'
import { foreignKeyName, keyColumns, partitionRanges, type TableSpec } from '../../core/table-spec.js'
import { postgresAdapter } from './postgres-adapter.js'
import { enumTypeStatements, postgresColumnType } from './postgres-types.js'

const q = postgresAdapter.quote

/**
 * Bare tables for COPY, then primary keys and indexes, then foreign keys (validated as they are added):
 * about 3× faster than loading into constrained tables (505k vs 154k rows/s, measured).
 */
export const postgresSchema: SchemaBuilder = {
  createTable(table: TableSpec): string[] {
    const columns = table.columns.map((c) => {
      return `${q(c.name)} ${postgresColumnType(c)}${c.nullable ? '' : ' NOT NULL'}`
    })
    const types = enumTypeStatements(table)
    const spec = table.partitions
    if (!spec) return [...types, `CREATE TABLE ${q(table.name)} (${columns.join(', ')})`]
    // Declarative partitioning: COPY into the parent routes each row to its partition.
    const bound = (value: string | undefined, open: string) => (value === undefined ? open : `'${value}'`)
    return [
      ...types,
      `CREATE TABLE ${q(table.name)} (${columns.join(', ')}) PARTITION BY RANGE (${q(spec.column)})`,
      ...partitionRanges(spec).map(
        (p) =>
          `CREATE TABLE ${q(`${table.name}_${p.name}`)} PARTITION OF ${q(table.name)} FOR VALUES FROM (${bound(p.from, 'MINVALUE')}) TO (${bound(p.to, 'MAXVALUE')})`,
      ),
    ]
  },
  indexTable: (table) => [
    ...(table.primaryKey.length === 0
      ? []
      : [
          `ALTER TABLE ${q(table.name)} ADD CONSTRAINT ${q(`pk_${table.name}`)} PRIMARY KEY (${keyColumns(table).map(q).join(', ')})`,
        ]),
    ...secondaryIndexes(table, q),
  ],
  partitioningRefused: () => undefined,
  // Detached without blocking the parent's readers and writers (PostgreSQL 14+), then dropped.
  dropPartition: (table, partition) => [
    `ALTER TABLE ${q(table.name)} DETACH PARTITION ${q(`${table.name}_${partition}`)} CONCURRENTLY`,
    `DROP TABLE ${q(`${table.name}_${partition}`)}`,
  ],
  unindexedForeignKeys: true,
  validatesForeignKeys: true,
  analyzeTable: (table) => [`ANALYZE ${q(table.name)}`],
  constrainTable: (table) =>
    table.foreignKeys.map(
      (fk) =>
        `ALTER TABLE ${q(table.name)} ADD CONSTRAINT ${q(foreignKeyName(table.name, fk.columns))} ${foreignKeyClause(fk, q)}`,
    ),
}
