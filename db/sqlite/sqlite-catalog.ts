import fs from 'node:fs'
import path from 'node:path'
import { DelbenchError } from '../../core/errors.js'
import type { CatalogColumn, CatalogColumnKind, CatalogFkAction } from '../catalog.js'
import { groupByTable, type IndexRow, keyLists, quotedLabels } from '../catalog-rows.js'
import type { CatalogSource, DeclaredForeignKey, DeclaredTable } from '../catalog-source.js'
import { spreadSampler } from '../catalog-spread-sample.js'
import type { DriverSession, Row } from '../connection.js'
import { openSqliteSession } from './sqlite-driver.js'

/** Declared types to kinds, first match wins (SQLite's own affinity rules look for INT first too). */
const KIND_PATTERNS: readonly [RegExp, CatalogColumnKind][] = [
  [/BIGINT|INT8/, 'bigint'],
  [/SMALLINT|TINYINT|INT2/, 'smallint'],
  [/INT/, 'integer'],
  [/BOOL/, 'boolean'],
  [/UUID/, 'uuid'],
  [/JSON/, 'json'],
  [/TIMESTAMPTZ|WITH TIME ZONE/, 'timestamptz'],
  [/DATETIME|TIMESTAMP/, 'timestamp'],
  [/^DATE$/, 'date'],
  [/^TIME$/, 'time'],
  [/VARCHAR|VARYING/, 'varchar'],
  [/CHAR/, 'char'],
  [/TEXT|CLOB/, 'text'],
  [/BLOB|BYTEA|BINARY/, 'bytes'],
  [/REAL|FLOA|DOUB/, 'double'],
  [/NUMERIC|DECIMAL/, 'numeric'],
]
const TRIGGER_ON_DELETE = /\b(?:BEFORE|AFTER|INSTEAD\s+OF)?\s*DELETE\s+ON\b/i

/** Opens the file read-only (the driver opens it without write access); it must already exist. */
export async function openSqliteCatalogSession(file: string): Promise<DriverSession> {
  let stat: fs.Stats
  try {
    stat = fs.statSync(file)
  } catch {
    throw new DelbenchError(`--db: no SQLite database file at ${file}`)
  }
  if (!stat.isFile())
    throw new DelbenchError(`--db: ${file} is not a file (name the SQLite database file to read)`)
  return openSqliteSession(file, { readonly: true })
}

/** One read transaction: every query sees the same snapshot. query_only refuses writes a second time. */
export async function beginSqliteCatalogRead(session: DriverSession): Promise<void> {
  await session.execute('PRAGMA query_only = 1', [])
  await session.execute('BEGIN', [])
}

export async function sqliteCatalogSource(session: DriverSession, file: string): Promise<CatalogSource> {
  const query = async (sql: string, params: readonly unknown[] = []) =>
    (await session.execute(sql, params)).rows
  const [about] = await query('SELECT sqlite_version() AS v')
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`
  const withoutRowid = new Set(
    (await query("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID%'")).map(
      (r) => String(r.name),
    ),
  )
  return {
    product: 'SQLite',
    version: String(about?.v ?? ''),
    database: path.basename(file),
    notes: [
      'SQLite: row counts are COUNT(*), exact (a local file); samples are ten evenly spaced rowid ranges; no statement timeout (the driver cannot interrupt a statement)',
    ],
    keepsStatistics: false,
    query: (sql) => query(sql),
    quote,
    tables: () => readTables(query, quote),
    statistics: async () => new Map(),
    // WITHOUT ROWID tables have no rowid: they are read with a plain LIMIT.
    sampleFrom: spreadSampler(query, quote, (table) => (withoutRowid.has(table.name) ? undefined : 'rowid')),
    sampleColumn: (column) => quote(column.name),
    estimateRows: async (table, where) => {
      // No estimate to read, but preparing the plan proves the predicate is valid SQL on the table.
      await query(`EXPLAIN QUERY PLAN SELECT 1 FROM ${quote(table)} WHERE (${where})`)
      return undefined
    },
  }
}

type Query = (sql: string, params?: readonly unknown[]) => Promise<Row[]>

async function readTables(query: Query, quote: (name: string) => string): Promise<DeclaredTable[]> {
  const tables = await query(
    `SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
       AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name`,
  )
  const triggers = groupByTable(
    await query("SELECT tbl_name AS t, name, sql FROM sqlite_schema WHERE type = 'trigger'"),
  )
  const declared: DeclaredTable[] = []
  for (const table of tables) {
    const name = String(table.name)
    const xinfo = await query('SELECT * FROM pragma_table_xinfo(?) ORDER BY cid', [name])
    const primaryKey = xinfo
      .filter((c) => Number(c.pk) > 0)
      .sort((a, b) => Number(a.pk) - Number(b.pk))
      .map((c) => String(c.name))
    const keys = keyLists(await indexRows(query, name))
    const [count] = await query(`SELECT COUNT(*) AS n FROM ${quote(name)}`)
    declared.push({
      name,
      columns: xinfo.map((c) => toColumn(c, String(table.sql), primaryKey)),
      primaryKey,
      uniques: keys.uniques,
      indexes: keys.indexes,
      foreignKeys: await foreignKeys(query, name),
      deleteTriggers: (triggers.get(name) ?? [])
        .filter((t) => TRIGGER_ON_DELETE.test(String(t.sql).split(/\bBEGIN\b/i)[0] ?? ''))
        .map((t) => String(t.name)),
      rowEstimate: Number(count?.n ?? 0),
      notes: keys.notes,
    })
  }
  return resolveReferencedKeys(declared)
}

async function indexRows(query: Query, table: string): Promise<IndexRow[]> {
  const list = await query('SELECT name, "unique" AS is_unique, origin, partial FROM pragma_index_list(?)', [
    table,
  ])
  const out: IndexRow[] = []
  // The primary key's own index (origin 'pk') is read from table_xinfo instead.
  for (const index of list.filter((i) => i.origin !== 'pk')) {
    const columns = await query('SELECT name FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno', [
      index.name,
    ])
    out.push({
      name: String(index.name),
      isPrimary: false,
      isUnique: Number(index.is_unique) === 1,
      partial: Number(index.partial) === 1,
      columns: columns.map((c) => (c.name === null ? null : String(c.name))),
    })
  }
  return out
}

async function foreignKeys(query: Query, table: string): Promise<DeclaredForeignKey[]> {
  const rows = await query(
    'SELECT id, "table" AS ref, "from" AS col, "to" AS ref_col, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq',
    [table],
  )
  const byId = new Map<number, { columns: string[]; referencedColumns: string[]; row: Row }>()
  for (const row of rows) {
    const fk = byId.get(Number(row.id)) ?? { columns: [], referencedColumns: [], row }
    fk.columns.push(String(row.col))
    // A REFERENCES without columns means the parent's primary key: resolved once all tables are read.
    if (row.ref_col !== null) fk.referencedColumns.push(String(row.ref_col))
    byId.set(Number(row.id), fk)
  }
  // SQLite keeps no FK names: each is named after its table and columns.
  return [...byId.values()].map((fk) => ({
    name: `${table}_${fk.columns.join('_')}_fkey`,
    columns: fk.columns,
    references: String(fk.row.ref),
    referencedColumns: fk.referencedColumns,
    onDelete: String(fk.row.on_delete).toLowerCase() as CatalogFkAction,
  }))
}

function resolveReferencedKeys(tables: DeclaredTable[]): DeclaredTable[] {
  const keyOf = new Map(tables.map((t) => [t.name, t.primaryKey]))
  return tables.map((t) => ({
    ...t,
    foreignKeys: t.foreignKeys.map((fk) =>
      fk.referencedColumns.length > 0 ? fk : { ...fk, referencedColumns: keyOf.get(fk.references) ?? [] },
    ),
  }))
}

function toColumn(row: Row, tableSql: string, primaryKey: readonly string[]): CatalogColumn {
  const name = String(row.name)
  const declared = String(row.type ?? '').toUpperCase()
  const labels = checkInLabels(tableSql, name)
  const kind: CatalogColumnKind = labels
    ? 'enum'
    : (KIND_PATTERNS.find(([re]) => re.test(declared))?.[1] ?? 'other')
  const sizes = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(declared)
  // INTEGER PRIMARY KEY is the rowid: SQLite numbers the rows itself.
  const rowid = primaryKey.length === 1 && primaryKey[0] === name && declared === 'INTEGER'
  const hidden = Number(row.hidden)
  return {
    name,
    nativeType: String(row.type ?? ''),
    kind,
    ...((kind === 'char' || kind === 'varchar') && sizes ? { length: Number(sizes[1]) } : {}),
    ...(kind === 'numeric' && sizes ? { precision: Number(sizes[1]), scale: Number(sizes[2] ?? 0) } : {}),
    ...(labels ? { enumValues: labels } : {}),
    nullable: Number(row.notnull) === 0 && !rowid,
    ...(row.dflt_value === null || row.dflt_value === undefined ? {} : { default: String(row.dflt_value) }),
    identity: rowid,
    generated: hidden === 2 || hidden === 3,
  }
}

/** The labels of a `CHECK (column IN ('a', 'b'))`, SQLite's spelling of an enum. */
function checkInLabels(tableSql: string, column: string): string[] | undefined {
  const escaped = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const re = new RegExp(`CHECK\\s*\\(\\s*["\`[]?${escaped}["\`\\]]?\\s+IN\\s*\\(([^)]*)\\)\\s*\\)`, 'i')
  const match = re.exec(tableSql)
  return match ? quotedLabels(match[1] ?? '') : undefined
}
