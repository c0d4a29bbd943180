import type { SchemaBuilder } from '../dialect.js'
import { foreignKeyClause, secondaryIndexes } from '../schema-sql.js'
import { foreignKeyName, keyColumns, partitionRanges, type TableSpec } from '../../core/table-spec.js'
import { mysqlAdapter } from './mysql-adapter.js'
import { mysqlColumnType } from './mysql-types.js'

const q = mysqlAdapter.quote

/**
 * InnoDB clusters rows on the primary key, so it is part of CREATE TABLE (rows arrive in key order);
 * secondary indexes and foreign keys are added after the load, with FK checks off. InnoDB insists on an
 * index for every FK column and creates one itself if none exists: "FK not indexed" cannot be had here.
 */
export const mysqlSchema: SchemaBuilder = {
  createTable(table: TableSpec): string[] {
    const columns = table.columns.map((c) => {
      return `${q(c.name)} ${mysqlColumnType(c)}${c.nullable ? '' : ' NOT NULL'}`
    })
    const spec = table.partitions
    const partitions = spec
      ? ` PARTITION BY RANGE COLUMNS(${q(spec.column)}) (${partitionRanges(spec)
          .map(
            (p) =>
              `PARTITION ${q(p.name)} VALUES LESS THAN (${p.to === undefined ? 'MAXVALUE' : `'${p.to}'`})`,
          )
          .join(', ')})`
      : ''
    // Without a primary key InnoDB clusters on a hidden row id.
    const key = table.primaryKey.length > 0 ? [`PRIMARY KEY (${keyColumns(table).map(q).join(', ')})`] : []
    return [
      `CREATE TABLE ${q(table.name)} (${[...columns, ...key].join(', ')}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4${partitions}`,
    ]
  },
  indexTable: (table) => secondaryIndexes(table, q),
  partitioningRefused: (tables) => {
    const partitioned = new Set(tables.filter((t) => t.partitions).map((t) => t.name))
    const fk = tables.find(
      (t) =>
        t.foreignKeys.length > 0 &&
        (partitioned.has(t.name) || t.foreignKeys.some((f) => partitioned.has(f.references))),
    )
    return fk
      ? `InnoDB partitioned tables take no foreign keys, and ${fk.name} has one to or from a partitioned table`
      : undefined
  },
  dropPartition: (table, partition) => [`ALTER TABLE ${q(table.name)} DROP PARTITION ${q(partition)}`],
  unindexedForeignKeys: false,
  validatesForeignKeys: false,
  analyzeTable: (table) => [`ANALYZE TABLE ${q(table.name)}`],
  constrainTable: (table) =>
    table.foreignKeys.map(
      (fk) =>
        `ALTER TABLE ${q(table.name)} ADD CONSTRAINT ${q(foreignKeyName(table.name, fk.columns))} ${foreignKeyClause(fk, q)}`,
    ),
}
