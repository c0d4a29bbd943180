import type { CatalogColumn, CatalogColumnKind, CatalogFkAction, CatalogPartitioning } from '../catalog.js'
import { groupByTable, type IndexRow, keyLists, numberOr, quotedLabels } from '../catalog-rows.js'
import type { DeclaredTable } from '../catalog-source.js'
import type { Row } from '../connection.js'
import {
  MARIADB_JSON_CHECKS_SQL,
  MY_COLUMNS_SQL,
  MY_DELETE_TRIGGERS_SQL,
  MY_FOREIGN_KEYS_SQL,
  MY_INDEXES_SQL,
  MY_PARTITIONING_SQL,
  MY_TABLES_SQL,
} from './mysql-catalog-queries.js'

const KINDS: Readonly<Record<string, CatalogColumnKind>> = {
  tinyint: 'smallint',
  smallint: 'smallint',
  mediumint: 'integer',
  int: 'integer',
  integer: 'integer',
  bigint: 'bigint',
  decimal: 'numeric',
  numeric: 'numeric',
  float: 'double',
  double: 'double',
  real: 'double',
  char: 'char',
  varchar: 'varchar',
  tinytext: 'text',
  text: 'text',
  mediumtext: 'text',
  longtext: 'text',
  json: 'json',
  uuid: 'uuid',
  date: 'date',
  time: 'time',
  datetime: 'timestamp',
  // TIMESTAMP is stored in UTC and shown in the session's zone: a timestamp with time zone.
  timestamp: 'timestamptz',
  enum: 'enum',
  binary: 'bytes',
  varbinary: 'bytes',
  tinyblob: 'bytes',
  blob: 'bytes',
  mediumblob: 'bytes',
  longblob: 'bytes',
}

/** Every base table of the connection's database, from INFORMATION_SCHEMA, shaped into the model. */
export async function readMysqlTables(
  query: (sql: string) => Promise<Row[]>,
  mariadb: boolean,
): Promise<DeclaredTable[]> {
  const tables = await query(MY_TABLES_SQL)
  const columns = await query(MY_COLUMNS_SQL)
  const indexes = await query(MY_INDEXES_SQL)
  const fks = await query(MY_FOREIGN_KEYS_SQL)
  const partitions = await query(MY_PARTITIONING_SQL)
  const triggers = await query(MY_DELETE_TRIGGERS_SQL)
  const checks = mariadb ? await query(MARIADB_JSON_CHECKS_SQL) : []
  const jsonColumns = new Set(
    checks.map((c) => `${String(c.t)}.${/json_valid\(`(.*)`\)/.exec(String(c.clause))?.[1]}`),
  )
  const columnsOf = groupByTable(columns)
  const indexesOf = groupByTable(indexes)
  const fksOf = groupByTable(fks)
  const partitionsOf = groupByTable(partitions)
  const triggersOf = groupByTable(triggers)
  return tables.map((row) => {
    const name = String(row.name)
    const keys = keyLists(indexRows(indexesOf.get(name) ?? []))
    const part = partitionsOf.get(name)?.[0]
    const tableRows = numberOr(row.table_rows, 0)
    return {
      name,
      columns: (columnsOf.get(name) ?? []).map((c) =>
        toColumn(c, jsonColumns.has(`${name}.${String(c.name)}`)),
      ),
      primaryKey: keys.primaryKey,
      uniques: keys.uniques,
      indexes: keys.indexes,
      foreignKeys: foreignKeys(fksOf.get(name) ?? []),
      ...(part ? { partitioning: toPartitioning(part) } : {}),
      deleteTriggers: (triggersOf.get(name) ?? []).map((t) => String(t.name)),
      // TABLE_ROWS is 0 before InnoDB has statistics (and cached for a day on MySQL 8): unknown.
      rowEstimate: tableRows > 0 ? tableRows : undefined,
      notes: keys.notes,
    }
  })
}

/** STATISTICS has one row per index column: gathered into one entry per index, in key order. */
function indexRows(rows: readonly Row[]): IndexRow[] {
  const byName = new Map<string, { isUnique: boolean; columns: (string | null)[] }>()
  for (const row of rows) {
    const name = String(row.name)
    const index = byName.get(name) ?? { isUnique: Number(row.non_unique) === 0, columns: [] }
    index.columns.push(row.col === null ? null : String(row.col))
    byName.set(name, index)
  }
  return [...byName].map(([name, index]) => ({
    name,
    isPrimary: name === 'PRIMARY',
    partial: false,
    ...index,
  }))
}

function foreignKeys(rows: readonly Row[]): DeclaredTable['foreignKeys'] {
  const byName = new Map<string, { columns: string[]; referencedColumns: string[]; row: Row }>()
  for (const row of rows) {
    const fk = byName.get(String(row.name)) ?? { columns: [], referencedColumns: [], row }
    fk.columns.push(String(row.col))
    fk.referencedColumns.push(String(row.ref_col))
    byName.set(String(row.name), fk)
  }
  return [...byName].map(([name, fk]) => ({
    name,
    columns: fk.columns,
    references: String(fk.row.ref),
    referencedColumns: fk.referencedColumns,
    onDelete: String(fk.row.on_delete).toLowerCase() as CatalogFkAction,
  }))
}

function toPartitioning(row: Row): CatalogPartitioning {
  const method = String(row.method)
    .toLowerCase()
    .replace(/^linear /, '')
    .split(' ')[0]
  const expr = String(row.expr ?? '').trim()
  const plainColumns = /^`[^`]+`(\s*,\s*`[^`]+`)*$/.test(expr)
  return {
    method: (['range', 'list', 'hash', 'key'].includes(method ?? '')
      ? method
      : 'range') as CatalogPartitioning['method'],
    columns: plainColumns ? expr.split(',').map((c) => c.trim().slice(1, -1)) : [],
    partitions: numberOr(row.partitions, 0),
  }
}

function toColumn(row: Row, json: boolean): CatalogColumn {
  const dataType = String(row.data_type).toLowerCase()
  const columnType = String(row.column_type)
  const extra = String(row.extra ?? '')
  const kind: CatalogColumnKind = json
    ? 'json'
    : /^tinyint\(1\)/i.test(columnType)
      ? 'boolean'
      : (KINDS[dataType] ?? 'other')
  const def = row.def === null || row.def === 'NULL' ? undefined : String(row.def)
  return {
    name: String(row.name),
    nativeType: columnType,
    kind,
    ...((kind === 'char' || kind === 'varchar') && row.char_length !== null
      ? { length: numberOr(row.char_length, 0) }
      : {}),
    ...(kind === 'numeric'
      ? { precision: numberOr(row.num_precision, 0), scale: numberOr(row.num_scale, 0) }
      : {}),
    ...(kind === 'enum' ? { enumValues: quotedLabels(columnType) } : {}),
    nullable: row.nullable === 'YES',
    ...(def !== undefined ? { default: def } : {}),
    identity: /auto_increment/i.test(extra),
    generated: /\b(stored|virtual|persistent) generated\b/i.test(extra),
  }
}
