import { DelbenchError } from '../core/errors.js'
import type {
  Catalog,
  CatalogColumn,
  CatalogReadOptions,
  CatalogRowCount,
  CatalogTable,
  CatalogTarget,
  ColumnStats,
} from './catalog.js'
import { measureForeignKeys } from './catalog-fan-out.js'
import { checkTargetPredicate } from './catalog-predicate.js'
import { statsFromSample } from './catalog-sample.js'
import {
  BOUNDED_COUNT_FACTOR,
  type CatalogSource,
  type DatabaseStatistics,
  type DeclaredTable,
} from './catalog-source.js'
import type { Row } from './connection.js'

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const LISTED_NAMES = 20

/**
 * Builds the catalog from one database's source, the same way for all three: tables, row counts,
 * value shapes (the database's statistics, else a bounded sample), FK fan-out and the target.
 */
export async function assembleCatalog(source: CatalogSource, options: CatalogReadOptions): Promise<Catalog> {
  const all = await source.tables()
  const chosen = chooseTables(all, options.tables, source.database)
  const counted = new Map<string, { rows: CatalogRowCount; note?: string }>()
  for (const table of chosen) counted.set(table.name, await countRows(source, table, options))
  const estimates = new Map([...counted].map(([name, c]) => [name, c.rows.estimate]))
  const statistics = await source.statistics(chosen, estimates)
  const samples = new Map<string, Row[]>()
  const tables: CatalogTable[] = []
  for (const table of chosen) {
    const estimate = estimates.get(table.name) ?? 0
    const sample = await source.query(await sampleSql(source, table, options.sampleRows, estimate))
    samples.set(table.name, sample)
    const { columns, notes } = describeColumns(table, sample, statistics, estimate)
    if (source.keepsStatistics && sample.length > 0 && !statistics.has(table.name))
      notes.push('no statistics in the catalog (never analysed): shapes from a sample')
    const count = counted.get(table.name)
    tables.push({
      name: table.name,
      columns,
      primaryKey: table.primaryKey,
      uniques: table.uniques,
      indexes: table.indexes,
      foreignKeys: [],
      rows: count?.rows ?? { estimate },
      ...(table.partitioning ? { partitioning: table.partitioning } : {}),
      deleteTriggers: table.deleteTriggers,
      notes: [...table.notes, ...(count?.note ? [count.note] : []), ...notes],
    })
  }
  const measured = await measureForeignKeys(source, {
    all,
    chosen,
    estimates,
    samples,
    options,
    described: tables,
  })
  const target = options.target ? await readTarget(source, all, options) : undefined
  return {
    product: source.product,
    version: source.version,
    database: source.database,
    readAt: new Date().toISOString(),
    tables: tables.map((t) => ({
      ...t,
      foreignKeys: measured.get(t.name)?.foreignKeys ?? [],
      notes: [...t.notes, ...(measured.get(t.name)?.notes ?? [])],
    })),
    ...(target ? { target: target.target } : {}),
    notes: [...source.notes, ...(target?.note ? [target.note] : [])],
  }
}

function chooseTables(
  all: readonly DeclaredTable[],
  wanted: readonly string[] | undefined,
  database: string,
): DeclaredTable[] {
  if (wanted === undefined) return [...all]
  const byName = new Map(all.map((t) => [t.name, t]))
  const unknown = wanted.filter((name) => !byName.has(name))
  if (unknown.length > 0) throw new DelbenchError(`--tables: ${noTable(unknown, all, database)}`)
  return [...new Set(wanted)].map((name) => byName.get(name) as DeclaredTable)
}

/** `no base table 'x' in database 'd' (it has: a, b, c)`, for the refusals of --tables and --target. */
export function noTable(names: readonly string[], all: readonly DeclaredTable[], database: string): string {
  const list = all.map((t) => t.name)
  const shown = list.length > LISTED_NAMES ? `${list.slice(0, LISTED_NAMES).join(', ')}, …` : list.join(', ')
  const what = names.map((n) => `'${n}'`).join(', ')
  return `no base table ${what} in database '${database}' (${list.length === 0 ? 'it has none' : `it has: ${shown}`})`
}

async function countRows(
  source: CatalogSource,
  table: DeclaredTable,
  options: CatalogReadOptions,
): Promise<{ rows: CatalogRowCount; note?: string }> {
  const name = source.quote(table.name)
  if (options.exact) {
    const exact = await firstNumber(source, `SELECT COUNT(*) AS n FROM ${name}`)
    return { rows: { estimate: table.rowEstimate ?? exact, exact } }
  }
  if (table.rowEstimate !== undefined) return { rows: { estimate: table.rowEstimate } }
  const bound = options.sampleRows * BOUNDED_COUNT_FACTOR
  const n = await firstNumber(
    source,
    `SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM ${name} LIMIT ${bound}) s`,
  )
  const note =
    n < bound
      ? `no row estimate in the catalog (never analysed): counted its ${n} rows`
      : `no row estimate in the catalog (never analysed): counted up to ${bound} rows, it has at least that many (run ANALYZE, or read with --exact)`
  return { rows: { estimate: n }, note }
}

export async function firstNumber(source: CatalogSource, sql: string): Promise<number> {
  const [row] = await source.query(sql)
  return Number(row ? Object.values(row)[0] : 0)
}

async function sampleSql(
  source: CatalogSource,
  table: DeclaredTable,
  limit: number,
  estimate: number,
): Promise<string> {
  const list = table.columns.map((c) => source.sampleColumn(c)).join(', ')
  return `SELECT ${list} FROM ${await source.sampleFrom(table, limit, estimate)} LIMIT ${limit}`
}

/** Each column with its stats: the database's own where it has them, completed from the sample. */
function describeColumns(
  table: DeclaredTable,
  sample: readonly Row[],
  statistics: DatabaseStatistics,
  estimate: number,
): { columns: CatalogColumn[]; notes: string[] } {
  const notes: string[] = []
  const known = statistics.get(table.name)
  const columns = table.columns.map((column) => {
    const values = sample.map((row) => row[column.name])
    const kind = looksLikeUuids(column, values) ? 'uuid' : column.kind
    if (kind !== column.kind) notes.push(`${column.name}: ${column.nativeType} holding uuids, read as uuid`)
    const stats = mergeStats(known?.get(column.name), statsFromSample(values, kind, estimate))
    return { ...column, kind, ...(stats ? { stats } : {}) }
  })
  if (sample.length === 0) notes.push('no rows sampled: the table is empty')
  else if (statistics.size > 0 && !known)
    notes.push('no statistics in the catalog (never analysed): shapes from a sample')
  return { columns, notes }
}

function looksLikeUuids(column: CatalogColumn, values: readonly unknown[]): boolean {
  if (column.kind !== 'char' && column.kind !== 'varchar' && column.kind !== 'text') return false
  const present = values.filter((v) => v !== null && v !== undefined)
  return present.length > 0 && present.every((v) => typeof v === 'string' && UUID_TEXT.test(v))
}

/**
 * The database's statistics stay as they are (they saw more rows than the sample); the sample only
 * adds what they lack: the value range and text lengths.
 */
function mergeStats(
  database: ColumnStats | undefined,
  sample: ColumnStats | undefined,
): ColumnStats | undefined {
  if (!database || !sample) return database ?? sample
  const fill = <K extends 'min' | 'max' | 'minLength' | 'maxLength' | 'averageWidth'>(key: K) =>
    database[key] === undefined && sample[key] !== undefined ? { [key]: sample[key] } : {}
  return {
    ...database,
    ...fill('min'),
    ...fill('max'),
    ...fill('minLength'),
    ...fill('maxLength'),
    ...fill('averageWidth'),
  }
}

async function readTarget(
  source: CatalogSource,
  all: readonly DeclaredTable[],
  options: CatalogReadOptions,
): Promise<{ target: CatalogTarget; note?: string }> {
  const { table, where } = options.target as { table: string; where: string }
  if (!all.some((t) => t.name === table))
    throw new DelbenchError(`--target: ${noTable([table], all, source.database)}`)
  const predicate = checkTargetPredicate(table, where)
  let estimate: number | undefined
  try {
    estimate = await source.estimateRows(table, predicate)
  } catch (error) {
    if (error instanceof DelbenchError) throw error
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw new DelbenchError(`--where for '${table}' is not a valid predicate on it: ${why}`, 2, {
      cause: error,
    })
  }
  const described = { table, where: predicate }
  if (estimate !== undefined && !options.exact)
    return { target: { ...described, rows: estimate, method: 'estimate' } }
  const rows = await firstNumber(
    source,
    `SELECT COUNT(*) AS n FROM ${source.quote(table)} WHERE (${predicate})`,
  )
  const note =
    estimate === undefined && !options.exact
      ? `${source.product} has no row estimate for a predicate: the target's rows were counted exactly`
      : undefined
  return { target: { ...described, rows, method: 'exact' }, ...(note ? { note } : {}) }
}
