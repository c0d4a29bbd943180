import type { Catalog, CatalogForeignKey, CatalogTable } from '../db/catalog.js'
import { MARKER_TABLE } from '../db/ownership.js'
import { importedColumn, shapeOf, type ColumnShape } from './imported-columns.js'
import { keyGenerators } from './imported-keys.js'
import type {
  ImportedFrom,
  JsonColumn,
  JsonForeignKey,
  JsonGenerator,
  JsonScenarioFile,
  JsonTable,
} from './imported-json.js'

export interface ImportOptions {
  /** The scenario's name; the source database's name, made a scenario name, when absent. */
  readonly name?: string
  /** Copy the most common values of low-cardinality columns into the file (they may be personal data). */
  readonly copyCommonValues: boolean
  /** Row counts were counted (`--exact`), not estimated. */
  readonly exact: boolean
  readonly delbenchVersion: string
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/

/** The scenario name for a database name: lower-case letters, digits and `-`. */
export function scenarioName(database: string): string {
  const name = database
    .toLowerCase()
    .replace(/\.[a-z0-9]+$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+|-+$/g, '')
  return name === '' ? 'imported' : name
}

/**
 * Turns a source database's catalog into a scenario file: its tables, keys, foreign keys and indexes as
 * they are, row counts at scale 1 equal to the source's, and generators that reproduce the shapes of its
 * values. Whatever cannot be reproduced is mapped to the nearest thing or left out, and said in `notes`.
 */
export function scenarioFromCatalog(catalog: Catalog, options: ImportOptions): JsonScenarioFile {
  const notes: string[] = [...catalog.notes]
  const kept = keptTables(catalog.tables, notes)
  const referenceMs = Date.parse(catalog.readAt)
  const targetColumns = new Set(catalog.target ? wordsOf(catalog.target.where) : [])
  const copiedValues: string[] = []
  const tables = kept.map((table) => {
    const translated = importedTable(table, kept, {
      referenceMs,
      targetTable: catalog.target?.table,
      targetColumns,
      options,
      notes,
      copiedValues,
    })
    for (const line of table.notes) notes.push(`${table.name}: ${line}`)
    if (table.deleteTriggers.length > 0)
      notes.push(
        `${table.name}: the source runs DELETE triggers (${table.deleteTriggers.join(', ')}); their per-row work is not reproduced`,
      )
    const parts = table.partitioning
    if (parts)
      notes.push(
        `${table.name}: ${parts.method}-partitioned in the source (${parts.partitions} partitions${parts.columns.length ? ` on ${parts.columns.join(', ')}` : ''}); seeded as one table (\`--partitions month\` partitions scenarios that declare a partition column)`,
      )
    return translated
  })
  const target = catalog.target
  const targetTable = target && kept.find((t) => t.name === target.table)
  const tableRows = targetTable ? rowsOf(targetTable) : 0
  const imported: ImportedFrom = {
    product: catalog.product,
    version: catalog.version,
    database: catalog.database,
    importedAt: catalog.readAt,
    delbench: options.delbenchVersion,
    rowCounts: options.exact ? 'exact' : 'estimate',
    ...(target && targetTable
      ? {
          target: {
            rows: target.rows,
            tableRows,
            share: tableRows > 0 ? Math.min(1, target.rows / tableRows) : 0,
            method: target.method,
          },
        }
      : {}),
    copiedValues,
    notes,
  }
  return {
    name: options.name ?? scenarioName(catalog.database),
    description: `imported from ${catalog.product} ${catalog.version} database ${catalog.database} on ${catalog.readAt.slice(0, 10)}`,
    referenceTime: catalog.readAt,
    imported,
    tables,
    target:
      target && targetTable
        ? { description: `${target.table} where ${target.where}`, table: target.table, where: target.where }
        : null,
  }
}

/**
 * The tables a scenario can hold: names it can write (lower-case identifiers) and keys it can generate.
 * A table left out takes the foreign keys that reference it along, each said in `notes`.
 */
function keptTables(tables: readonly CatalogTable[], notes: string[]): CatalogTable[] {
  const kept: CatalogTable[] = []
  for (const table of tables) {
    // A database delbench made (a seeded copy) carries its bookkeeping (the marker, the seed's record):
    // the scenario's copy gets its own.
    if (table.name === MARKER_TABLE || table.name.startsWith('delbench_')) {
      notes.push(`${table.name}: left out: one of delbench's own bookkeeping tables`)
      continue
    }
    const bad = [table.name, ...table.columns.filter((c) => !c.generated).map((c) => c.name)].find(
      (name) => !IDENTIFIER.test(name),
    )
    if (bad !== undefined) {
      notes.push(
        `${table.name}: left out: '${bad}' is not a lower-case SQL identifier, which scenarios require`,
      )
      continue
    }
    kept.push(table)
  }
  return kept
}

interface TableContext {
  readonly referenceMs: number
  readonly targetTable: string | undefined
  readonly targetColumns: ReadonlySet<string>
  readonly options: ImportOptions
  readonly notes: string[]
  readonly copiedValues: string[]
}

function importedTable(table: CatalogTable, kept: readonly CatalogTable[], context: TableContext): JsonTable {
  const names = new Set(kept.map((t) => t.name))
  const foreignKeys = table.foreignKeys.filter((fk) => {
    if (names.has(fk.references)) return true
    context.notes.push(`${table.name}: foreign key ${fk.name} left out: ${fk.references} is not imported`)
    return false
  })
  const uniqueColumns = new Set(
    [table.primaryKey, ...table.uniques].filter((key) => key.length === 1).map((key) => key[0] as string),
  )
  const keys = keyGenerators(table, foreignKeys)
  const columns: JsonColumn[] = []
  for (const column of table.columns) {
    if (column.generated) {
      context.notes.push(`${table.name}.${column.name}: a generated column, left out (it cannot be written)`)
      continue
    }
    // The target's own columns carry the values its predicate names, or the seeded data could not match it.
    const copyValues =
      context.options.copyCommonValues ||
      (table.name === context.targetTable && context.targetColumns.has(column.name))
    const imported = importedColumn(column, {
      table: table.name,
      unique: uniqueColumns.has(column.name),
      copyValues,
      referenceMs: context.referenceMs,
    })
    if (imported.copied) context.copiedValues.push(`${table.name}.${column.name}`)
    context.notes.push(...imported.notes)
    const key = keys.get(column.name)
    if (!key) columns.push(imported.column)
    else {
      const { nullFraction: _nullFraction, ...rest } = imported.column
      const shape = referencedShape(column.name, foreignKeys, kept)
      columns.push({ ...(key.ownNulls ? rest : imported.column), ...shape, generate: key.generate })
    }
  }
  const fkIndexed = foreignKeys.filter((fk) => fk.indexed).map((fk) => fk.columns.join(','))
  const uniqueGenerated = new Set(columns.filter((c) => generatesUnique(c.generate)).map((c) => c.name))
  const indexes = [
    ...table.uniques.map((columns) => uniqueIndex(table.name, columns, uniqueGenerated, context.notes)),
    ...table.indexes.map((columns) => ({ columns })),
  ].filter((ix) => !fkIndexed.includes(ix.columns.join(',')))
  return {
    name: table.name,
    ...(table.primaryKey.length === 0
      ? {}
      : { primaryKey: table.primaryKey.length === 1 ? (table.primaryKey[0] as string) : table.primaryKey }),
    rows: rowsOf(table),
    columns,
    ...(foreignKeys.length > 0 ? { foreignKeys: foreignKeys.map(foreignKeyOf) } : {}),
    ...(indexes.length > 0 ? { indexes } : {}),
  }
}

/**
 * An FK column's type is its referenced column's, followed to the key at the end of the chain (a
 * composite key's column may itself reference another table): MariaDB refuses a foreign key between an
 * integer and a bigint (SQLite, whose integers are all 64-bit, lets a schema mix them).
 */
function referencedShape(
  column: string,
  foreignKeys: readonly CatalogForeignKey[],
  kept: readonly CatalogTable[],
  depth = 0,
): ColumnShape | undefined {
  const fk = foreignKeys.find((f) => f.columns.includes(column))
  const referenced = fk?.referencedColumns[fk.columns.indexOf(column)]
  const parent = kept.find((t) => t.name === fk?.references)
  const parentColumn = parent?.columns.find((c) => c.name === referenced)
  if (!parent || !parentColumn || referenced === undefined) return undefined
  const further =
    depth < kept.length ? referencedShape(referenced, parent.foreignKeys, kept, depth + 1) : undefined
  return further ?? shapeOf(parentColumn).shape
}

function rowsOf(table: CatalogTable): number {
  return Math.max(1, Math.round(table.rows.exact ?? table.rows.estimate))
}

function foreignKeyOf(fk: CatalogForeignKey): JsonForeignKey {
  return {
    columns: fk.columns,
    references: fk.references,
    referencedColumns: fk.referencedColumns,
    // `restrict` and `no action` differ only in when the check runs; both refuse the parent's deletion.
    onDelete: fk.onDelete === 'set default' ? 'restrict' : fk.onDelete,
    indexed: fk.indexed,
  }
}

function generatesUnique(generate: JsonGenerator): boolean {
  return generate.kind === 'sequence' || generate.kind === 'uuid' || generate.unique === true
}

/** A unique key stays unique when one of its columns is generated unique; otherwise it could not hold. */
function uniqueIndex(
  table: string,
  columns: readonly string[],
  uniqueGenerated: ReadonlySet<string>,
  notes: string[],
): { columns: readonly string[]; unique?: boolean } {
  if (columns.some((c) => uniqueGenerated.has(c))) return { columns, unique: true }
  notes.push(
    `${table}: unique key (${columns.join(', ')}) seeded as a plain index: generated values are not unique together`,
  )
  return { columns }
}

/** Identifier-like words of a predicate: the columns it may name. */
function wordsOf(sql: string): string[] {
  return sql.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? []
}
