import type { CatalogColumnKind, CatalogReadOptions } from '../catalog.js'
import type { CatalogSource, DatabaseStatistics, DeclaredTable } from '../catalog-source.js'
import { spreadSampler } from '../catalog-spread-sample.js'
import type { DriverSession, Row } from '../connection.js'
import { MARIADB_COLUMN_STATS_SQL } from './mysql-catalog-queries.js'
import { statisticsFromColumnStats } from './mysql-catalog-stats.js'
import { readMysqlTables } from './mysql-catalog-tables.js'

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
    tables: () => readMysqlTables(query, mariadb),
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
