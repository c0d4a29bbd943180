import type {
  CatalogColumn,
  CatalogColumnKind,
  CatalogFkAction,
  CatalogPartitioning,
  CatalogReadOptions,
} from '../catalog.js'
import { groupByTable, type IndexRow, keyLists, numberOr, quotedLabels } from '../catalog-rows.js'
import type { CatalogSource, DatabaseStatistics, DeclaredTable } from '../catalog-source.js'
import { spreadSampler } from '../catalog-spread-sample.js'
import type { DriverSession, Row } from '../connection.js'
import {
  MARIADB_COLUMN_STATS_SQL,
  MARIADB_JSON_CHECKS_SQL,
  MY_COLUMNS_SQL,
  MY_DELETE_TRIGGERS_SQL,
  MY_FOREIGN_KEYS_SQL,
  MY_INDEXES_SQL,
  MY_PARTITIONING_SQL,
  MY_TABLES_SQL,
} from './mysql-catalog-queries.js'
import { statisticsFromColumnStats } from './mysql-catalog-stats.js'

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

type Query = (sql: string) => Promise<Row[]>

async function isMariaDb(session: DriverSession): Promise<{ mariadb: boolean; version: string }> {
  const [row] = (await session.execute('SELECT VERSION() AS v', [])).rows
  const text = String(row?.v ?? '')
  return { mariadb: /mariadb/i.test(text), version: text.split('-')[0] ?? text }
}

/**
 * Opens the one read-only transaction the catalog is read in: a statement time limit (MariaDB's
 * max_statement_time in seconds, MySQL's max_execution_time in milliseconds), UTC timestamps and a
 * consistent snapshot.
 */
export async function beginMysqlCatalogRead(
  session: DriverSession,
  options: CatalogReadOptions,
): Promise<void> {
  const { mariadb } = await isMariaDb(session)
  const ms = Math.max(1, Math.round(options.statementTimeoutMs))
  await session.execute(
    mariadb ? `SET SESSION max_statement_time = ${ms / 1000}` : `SET SESSION max_execution_time = ${ms}`,
    [],
  )
  await session.execute("SET SESSION time_zone = '+00:00'", [])
  await session.execute('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ', [])
  await session.execute('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY', [])
}

/** The MySQL/MariaDB catalog source on a session inside `beginMysqlCatalogRead`'s transaction. */
export async function mysqlCatalogSource(session: DriverSession): Promise<CatalogSource> {
  const query: Query = async (sql) => (await session.execute(sql, [])).rows
  const { mariadb, version } = await isMariaDb(session)
  const [about] = await query('SELECT DATABASE() AS db')
  const quote = (name: string) => `\`${name.replace(/`/g, '``')}\``
  const notes = [
    'no TABLESAMPLE here: samples are ten evenly spaced ranges of an integer primary key, or the first rows (LIMIT) of a table without one',
  ]
  return {
    product: mariadb ? 'MariaDB' : 'MySQL',
    version,
    database: String(about?.db),
    notes,
    keepsStatistics: mariadb,
    query,
    quote,
    tables: () => readTables(query, mariadb),
    statistics: (tables, estimates) =>
      mariadb ? columnStatistics(query, tables, estimates, notes) : noStats(notes),
    sampleFrom: spreadSampler(query, quote, (table) => integerKey(table, quote)),
    sampleColumn: (column) => quote(column.name),
    estimateRows: async (table, where) => {
      const [row] = await query(`EXPLAIN FORMAT=JSON SELECT 1 FROM ${quote(table)} WHERE (${where})`)
      const plan = JSON.parse(String(row ? Object.values(row)[0] : '{}')) as unknown
      const access = findTableAccess(plan)
      if (!access) return undefined
      const rows = Number(access.rows ?? access.rows_examined_per_scan ?? 0)
      return Math.round((rows * Number(access.filtered ?? 100)) / 100)
    },
  }
}

const INTEGER_KINDS = new Set<CatalogColumnKind>(['smallint', 'integer', 'bigint'])

/** The table's one-column integer primary key, quoted, for spread samples. */
function integerKey(table: DeclaredTable, quote: (name: string) => string): string | undefined {
  const [only, ...more] = table.primaryKey
  const column = table.columns.find((c) => c.name === only)
  return column && more.length === 0 && INTEGER_KINDS.has(column.kind) ? quote(column.name) : undefined
}

async function noStats(notes: string[]): Promise<DatabaseStatistics> {
  notes.push('MySQL histograms are not read: value shapes come from samples')
  return new Map()
}

async function columnStatistics(
  query: Query,
  tables: readonly DeclaredTable[],
  estimates: ReadonlyMap<string, number>,
  notes: string[],
): Promise<DatabaseStatistics> {
  try {
    return statisticsFromColumnStats(await query(MARIADB_COLUMN_STATS_SQL), tables, estimates)
  } catch (error) {
    // Reading mysql.* needs its own grant; without it the sample still gives every shape.
    notes.push(
      `mysql.column_stats not readable (${(error as Error).message.split('\n')[0]}): value shapes from samples`,
    )
    return new Map()
  }
}

interface TableAccess {
  readonly rows?: number
  readonly rows_examined_per_scan?: number
  readonly filtered?: number | string
}

/** The first `table` node of an EXPLAIN FORMAT=JSON plan. */
function findTableAccess(node: unknown): TableAccess | undefined {
  if (typeof node !== 'object' || node === null) return undefined
  const record = node as Record<string, unknown>
  if (typeof record.table === 'object' && record.table !== null) return record.table as TableAccess
  for (const value of Object.values(record)) {
    const found = findTableAccess(value)
    if (found) return found
  }
  return undefined
}

async function readTables(query: Query, mariadb: boolean): Promise<DeclaredTable[]> {
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
