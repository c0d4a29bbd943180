/**
 * The shape of a table as the dialects need it to create, load, copy and checksum it. Scenarios build
 * on this (adding generators and row counts); `db/` knows nothing of scenarios.
 */

/** Portable column types; each dialect maps them to its own (see `<dialect>-schema.ts`). */
export const COLUMN_TYPES = [
  'integer',
  'bigint',
  'varchar',
  'text',
  'timestamp',
  'json',
  'numeric',
  'double',
  'boolean',
  'uuid',
  'date',
  'timestamptz',
  'enum',
  'array',
  'bytes',
] as const
export type ColumnType = (typeof COLUMN_TYPES)[number]

/** What an `array` column holds: the scalar types every database can read back from JSON alike. */
export const ARRAY_ELEMENT_TYPES = [
  'integer',
  'bigint',
  'text',
  'varchar',
  'numeric',
  'boolean',
  'uuid',
] as const
export type ArrayElementType = (typeof ARRAY_ELEMENT_TYPES)[number]

/**
 * What the database does to referencing rows when a referenced row is deleted. `restrict` and
 * `no action` are both created as NO ACTION (checked at the end of each statement where the database
 * can; InnoDB checks row by row): delbench plans both alike, deleting dependents children first.
 */
export const FK_ACTIONS = ['cascade', 'restrict', 'no action', 'set null'] as const
export type FkAction = (typeof FK_ACTIONS)[number]

export interface ColumnSpec {
  readonly name: string
  readonly type: ColumnType
  /** For `varchar`: the maximum length; for `bytes`, a maximum length makes it VARBINARY on MySQL. */
  readonly length?: number
  readonly nullable?: boolean
  /** For `numeric`: total digits (default 18) and digits after the point (default 0, as SQL's). */
  readonly precision?: number
  readonly scale?: number
  /** For `enum`: its labels, in declared order. */
  readonly values?: readonly string[]
  /** For `array`: the elements' type. */
  readonly element?: ArrayElementType
}

/** Digits of a `numeric` column, with SQL's defaults filled in. */
export function numericDigits(column: ColumnSpec): { precision: number; scale: number } {
  return { precision: column.precision ?? 18, scale: column.scale ?? 0 }
}

export interface ForeignKeySpec {
  /** The referencing columns of this table (one, or several for a composite key). */
  readonly columns: readonly string[]
  /** The referenced table (this table itself for a self-reference). */
  readonly references: string
  /** The referenced columns, paired with `columns`: the referenced table's primary key or a unique key. */
  readonly referencedColumns: readonly string[]
  readonly onDelete: FkAction
  /** Whether an index backs the referencing column (MySQL/InnoDB always creates one: it must). */
  readonly indexed: boolean
}

export interface IndexSpec {
  readonly columns: readonly string[]
  readonly unique?: boolean
}

/**
 * Range partitioning on a timestamp column (`--partitions month`). Partition 0 holds rows below
 * `bounds[0]`, partition i rows in [bounds[i-1], bounds[i]), the last rows from the last bound up.
 */
export interface PartitionSpec {
  readonly column: string
  /** Ascending `YYYY-MM-DD HH:MM:SS` boundaries. */
  readonly bounds: readonly string[]
}

/** One partition of a partitioned table: its name and range (`from` undefined: no lower bound). */
export interface PartitionRange {
  /** The partition's name (`p_older`, `p202510`, ...); PostgreSQL's partition table is `<table>_<name>`. */
  readonly name: string
  readonly from?: string
  readonly to?: string
}

export interface TableSpec {
  readonly name: string
  readonly columns: readonly ColumnSpec[]
  /**
   * The primary key's columns: one for a surrogate key, several for a composite key, none for a table
   * without a primary key. (A partitioned table's key constraint also holds the partition column, as
   * both servers require; rows are still identified by these columns alone.)
   */
  readonly primaryKey: readonly string[]
  readonly foreignKeys: readonly ForeignKeySpec[]
  readonly indexes: readonly IndexSpec[]
  readonly partitions?: PartitionSpec
}

/** A partitioned table's partitions in key order, named for the month each starts in. */
export function partitionRanges(spec: PartitionSpec): PartitionRange[] {
  const month = (bound: string) => `p${bound.slice(0, 4)}${bound.slice(5, 7)}`
  return [
    { name: 'p_older', ...(spec.bounds[0] === undefined ? {} : { to: spec.bounds[0] }) },
    ...spec.bounds.map((from, i) => {
      const to = spec.bounds[i + 1]
      return { name: month(from), from, ...(to === undefined ? {} : { to }) }
    }),
  ]
}

/**
 * The primary key constraint's columns: the key, and the partition column where partitioned. Empty for a
 * table without a primary key.
 */
export function keyColumns(table: TableSpec): string[] {
  if (table.primaryKey.length === 0) return []
  return table.partitions && !table.primaryKey.includes(table.partitions.column)
    ? [...table.primaryKey, table.partitions.column]
    : [...table.primaryKey]
}

/** The name of the index delbench gives an index or FK-backing index, identical on every dialect. */
export function indexName(table: string, columns: readonly string[]): string {
  return `ix_${table}_${columns.join('_')}`.slice(0, 60)
}

/** The name of a foreign-key constraint (`fk_<table>_<col>[_<col>…]`: unchanged for one column). */
export function foreignKeyName(table: string, columns: readonly string[]): string {
  return `fk_${table}_${columns.join('_')}`.slice(0, 60)
}

/** Whether two column lists name the same columns in the same order. */
export function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i])
}

/**
 * Values are handed to the loaders as these JavaScript types: integers as numbers, `varchar`/`text`
 * as strings, timestamps as `YYYY-MM-DD HH:MM:SS` strings (UTC), JSON as its text. The same strings go
 * into every database, which is what makes content checksums comparable across them. The other types
 * are encoded in the same two JavaScript types, so the loaders' fast paths stay as they are: `numeric`
 * and `double` as numbers, `boolean` as 0 or 1, `uuid` as lower-case text, `date` as `YYYY-MM-DD`,
 * `timestamptz` as a UTC `YYYY-MM-DD HH:MM:SS`, `enum` as its label, `bytes` as lower-case hex (each
 * loader converts it to the database's binary form) and `array` as JSON text (PostgreSQL's loader turns
 * it into an array literal; MySQL and SQLite store the JSON).
 */
export type CellValue = number | string | null
