import type { CatalogColumn, CatalogColumnKind, CatalogFkAction, CatalogReadOptions } from '../catalog.js'
import type { CatalogSource, DeclaredTable } from '../catalog-source.js'
import type { DriverSession, Row } from '../connection.js'
import { groupByTable, type IndexRow, keyLists, numberOr } from '../catalog-rows.js'
import {
  PG_COLUMNS_SQL,
  PG_DELETE_TRIGGERS_SQL,
  PG_FOREIGN_KEYS_SQL,
  PG_INDEXES_SQL,
  PG_PARTITIONING_SQL,
  PG_TABLES_SQL,
} from './postgres-catalog-queries.js'
import { PG_STATS_SQL, statisticsFromPgStats } from './postgres-catalog-stats.js'

const KINDS: Readonly<Record<string, CatalogColumnKind>> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  numeric: 'numeric',
  float4: 'double',
  float8: 'double',
  bool: 'boolean',
  bpchar: 'char',
  varchar: 'varchar',
  text: 'text',
  citext: 'text',
  name: 'text',
  uuid: 'uuid',
  json: 'json',
  jsonb: 'json',
  date: 'date',
  time: 'time',
  timetz: 'time',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  bytea: 'bytes',
}
const FK_ACTIONS: Readonly<Record<string, CatalogFkAction>> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
}
const PARTITION_METHODS = { r: 'range', l: 'list', h: 'hash' } as const
/**
 * TABLESAMPLE asks for a little more than the rows wanted (SYSTEM samples whole pages, unevenly); not
 * much more, or the LIMIT would keep only the first pages sampled.
 */
const OVERSAMPLE = 1.2

/**
 * Opens the one read-only transaction the PostgreSQL catalog is read in: a repeatable-read snapshot
 * (every query sees the same database), a statement timeout and UTC timestamps, all LOCAL to it.
 */
export async function beginPostgresCatalogRead(
  session: DriverSession,
  options: CatalogReadOptions,
): Promise<void> {
  await session.execute('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY', [])
  await session.execute(
    `SET LOCAL statement_timeout = ${Math.max(1, Math.round(options.statementTimeoutMs))}`,
    [],
  )
  await session.execute("SET LOCAL TimeZone = 'UTC'", [])
}

/** The PostgreSQL catalog source on a session inside `beginPostgresCatalogRead`'s transaction. */
export async function postgresCatalogSource(session: DriverSession): Promise<CatalogSource> {
  const query = async (sql: string, params: readonly unknown[] = []) =>
    (await session.execute(sql, params)).rows
  const [about] = await query(
    "SELECT current_database() AS db, current_schema() AS schema, current_setting('server_version') AS version",
  )
  const schema = about?.schema
  if (typeof schema !== 'string')
    throw new Error('the search_path names no existing schema: set it, or create schema public')
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`
  return {
    product: 'PostgreSQL',
    version: String(about?.version ?? '').split(' ')[0] ?? '',
    database: String(about?.db),
    notes: [
      `read schema '${schema}' (the search_path's first existing schema); partitions are folded into their parent`,
    ],
    keepsStatistics: true,
    query: (sql) => query(sql),
    quote,
    tables: () => readTables(query, schema),
    statistics: async (tables, estimates) =>
      statisticsFromPgStats(
        await query(PG_STATS_SQL, [schema, tables.map((t) => t.name)]),
        tables,
        estimates,
      ),
    sampleFrom: async (table, limit, estimate) => {
      if (estimate <= limit) return quote(table.name)
      const percent = Math.min(100, (100 * limit * OVERSAMPLE) / estimate)
      // REPEATABLE: the same pages on every read of an unchanged table, so reads are comparable.
      return `${quote(table.name)} TABLESAMPLE SYSTEM (${percent.toFixed(6)}) REPEATABLE (0)`
    },
    // Text for everything but bytea: no driver-side parsing of dates in the client's time zone.
    sampleColumn: (column) =>
      column.kind === 'bytes' ? quote(column.name) : `${quote(column.name)}::text AS ${quote(column.name)}`,
    estimateRows: async (table, where) => {
      const [row] = await query(`EXPLAIN (FORMAT JSON) SELECT 1 FROM ${quote(table)} WHERE (${where})`)
      const raw = row ? Object.values(row)[0] : undefined
      const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan?: { 'Plan Rows'?: number } }[]
      return Number(plan[0]?.Plan?.['Plan Rows'] ?? 0)
    },
  }
}

type Query = (sql: string, params?: readonly unknown[]) => Promise<Row[]>

async function readTables(query: Query, schema: string): Promise<DeclaredTable[]> {
  // One after another: a pg client runs one query at a time anyway.
  const read = async (sql: string) => query(sql, [schema])
  const tables = await read(PG_TABLES_SQL)
  const columns = await read(PG_COLUMNS_SQL)
  const indexes = await read(PG_INDEXES_SQL)
  const fks = await read(PG_FOREIGN_KEYS_SQL)
  const partitioning = await read(PG_PARTITIONING_SQL)
  const triggers = await read(PG_DELETE_TRIGGERS_SQL)
  const columnsOf = groupByTable(columns)
  const indexesOf = groupByTable(indexes)
  const fksOf = groupByTable(fks)
  const partitioningOf = groupByTable(partitioning)
  const triggersOf = groupByTable(triggers)
  return tables.map((row) => {
    const name = String(row.name)
    const keys = keyLists((indexesOf.get(name) ?? []).map(toIndexRow))
    const part = partitioningOf.get(name)?.[0]
    return {
      name,
      columns: (columnsOf.get(name) ?? []).map(toColumn),
      primaryKey: keys.primaryKey,
      uniques: keys.uniques,
      indexes: keys.indexes,
      foreignKeys: (fksOf.get(name) ?? []).map((fk) => ({
        name: String(fk.name),
        columns: fk.columns as string[],
        references: String(fk.ref),
        referencedColumns: fk.ref_columns as string[],
        onDelete: FK_ACTIONS[String(fk.on_delete)] ?? 'no action',
      })),
      ...(part ? { partitioning: toPartitioning(part) } : {}),
      deleteTriggers: (triggersOf.get(name) ?? []).map((t) => String(t.name)),
      rowEstimate: rowEstimate(row),
      notes: keys.notes,
    }
  })
}

function toIndexRow(row: Row): IndexRow {
  return {
    name: String(row.name),
    isPrimary: Boolean(row.is_primary),
    isUnique: Boolean(row.is_unique),
    partial: Boolean(row.partial),
    columns: row.expression ? [null] : ((row.columns as (string | null)[] | null) ?? []),
  }
}

/** reltuples is -1 before the first ANALYZE (and 0 can mean the same): unknown, not empty. */
function rowEstimate(row: Row): number | undefined {
  const own = numberOr(row.reltuples, -1)
  if (own > 0) return Math.round(own)
  const leaves = numberOr(row.leaf_tuples, -1)
  return leaves > 0 ? Math.round(leaves) : undefined
}

function toPartitioning(row: Row): NonNullable<DeclaredTable['partitioning']> {
  return {
    method: PARTITION_METHODS[String(row.strategy) as keyof typeof PARTITION_METHODS] ?? 'range',
    columns: row.expression ? [] : ((row.columns as string[] | null) ?? []),
    partitions: numberOr(row.partitions, 0),
  }
}

function toColumn(row: Row): CatalogColumn {
  const typname = String(row.typname)
  const kind = kindOf(typname, String(row.typtype), String(row.category))
  const typmod = numberOr(row.typmod, -1)
  const def = row.def === null ? undefined : String(row.def)
  const serial = def !== undefined && /^nextval\(/i.test(def)
  const generated = row.generated === 's'
  const labels = row.labels as string[] | null
  const element = row.element === null ? undefined : kindOf(String(row.element), String(row.element_type), '')
  return {
    name: String(row.name),
    nativeType: String(row.native),
    kind,
    ...((kind === 'char' || kind === 'varchar') && typmod > 4 ? { length: typmod - 4 } : {}),
    ...(kind === 'numeric' && typmod > 4
      ? { precision: ((typmod - 4) >> 16) & 0xffff, scale: (typmod - 4) & 0xffff }
      : {}),
    ...(labels ? { enumValues: labels } : {}),
    ...(kind === 'array' && element ? { element } : {}),
    nullable: !row.notnull,
    // A generated column's expression and a serial's nextval() are not defaults a seeder should write.
    ...(def !== undefined && !serial && !generated ? { default: def } : {}),
    identity: row.identity === 'a' || row.identity === 'd' || serial,
    generated,
  }
}

function kindOf(typname: string, typtype: string, category: string): CatalogColumnKind {
  if (typtype === 'e') return 'enum'
  if (category === 'A') return 'array'
  return KINDS[typname] ?? 'other'
}
