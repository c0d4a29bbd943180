/**
 * The shape of a table as the dialects need it to create, load, copy and checksum it. Scenarios build
 * on this (adding generators and row counts); `db/` knows nothing of scenarios.
 */

/** Portable column types; each dialect maps them to its own (see `<dialect>-schema.ts`). */
export type ColumnType = 'integer' | 'bigint' | 'varchar' | 'text' | 'timestamp' | 'json'

export const FK_ACTIONS = ['cascade', 'restrict', 'set null'] as const
export type FkAction = (typeof FK_ACTIONS)[number]

export interface ColumnSpec {
  readonly name: string
  readonly type: ColumnType
  /** For `varchar`: the maximum length. */
  readonly length?: number
  readonly nullable?: boolean
}

export interface ForeignKeySpec {
  /** The referencing column of this table. */
  readonly column: string
  /** The referenced table. */
  readonly references: string
  /** The referenced column: always the referenced table's primary key. */
  readonly referencedColumn: string
  readonly onDelete: FkAction
  /** Whether an index backs the referencing column (MySQL/InnoDB always creates one: it must). */
  readonly indexed: boolean
}

export interface IndexSpec {
  readonly columns: readonly string[]
  readonly unique?: boolean
}

export interface TableSpec {
  readonly name: string
  readonly columns: readonly ColumnSpec[]
  /** A single integer column: every built-in table has a surrogate or shared integer key. */
  readonly primaryKey: string
  readonly foreignKeys: readonly ForeignKeySpec[]
  readonly indexes: readonly IndexSpec[]
}

/** The name of the index delbench gives an index or FK-backing index, identical on every dialect. */
export function indexName(table: string, columns: readonly string[]): string {
  return `ix_${table}_${columns.join('_')}`.slice(0, 60)
}

/** The name of a foreign-key constraint. */
export function foreignKeyName(table: string, column: string): string {
  return `fk_${table}_${column}`.slice(0, 60)
}

/**
 * Values are handed to the loaders as these JavaScript types: integers as numbers, `varchar`/`text`
 * as strings, timestamps as `YYYY-MM-DD HH:MM:SS` strings (UTC), JSON as its text. The same strings go
 * into every database, which is what makes content checksums comparable across them.
 */
export type CellValue = number | string | null
