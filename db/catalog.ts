/**
 * What `delbench import` reads from a user's database: its tables, keys, foreign keys, indexes and the
 * shapes of its values, normalised across PostgreSQL, MySQL/MariaDB and SQLite. Reading it is the one
 * thing delbench does on a database it did not create, and it only reads (see `source-catalog.ts`).
 *
 * Values read from the source (most common values, histogram bounds, minimum and maximum) stay in
 * memory: the scenario translation decides what, if anything, is written to a file.
 */

/** Column kinds delbench can tell apart, whatever the database calls them. */
export type CatalogColumnKind =
  | 'smallint'
  | 'integer'
  | 'bigint'
  | 'numeric'
  | 'double'
  | 'boolean'
  | 'char'
  | 'varchar'
  | 'text'
  | 'uuid'
  | 'json'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'enum'
  | 'array'
  | 'bytes'
  /** Anything else (geometry, ranges, money, xml, ...): `nativeType` says what it was. */
  | 'other'

/** ON DELETE as the database declares it. `no action` and `restrict` differ only in when they check. */
export type CatalogFkAction = 'cascade' | 'restrict' | 'no action' | 'set null' | 'set default'

export interface Catalog {
  /** `PostgreSQL`, `MariaDB`, `MySQL`, `SQLite`. */
  readonly product: string
  readonly version: string
  /** The database's name (SQLite: the file's base name). Never a host, user or password. */
  readonly database: string
  /** When it was read, ISO-8601 UTC. */
  readonly readAt: string
  readonly tables: readonly CatalogTable[]
  /** The target's selectivity, when a target was given to read. */
  readonly target?: CatalogTarget
  /** What could not be read and why, one line each (no statistics yet: run ANALYZE, ...). */
  readonly notes: readonly string[]
}

export interface CatalogTable {
  readonly name: string
  readonly columns: readonly CatalogColumn[]
  /** The primary key's columns in key order; empty when the table has none. */
  readonly primaryKey: readonly string[]
  /** Unique constraints and unique indexes other than the primary key. */
  readonly uniques: readonly (readonly string[])[]
  readonly foreignKeys: readonly CatalogForeignKey[]
  /** Non-unique secondary indexes (plain columns only; expression indexes are in `notes`). */
  readonly indexes: readonly (readonly string[])[]
  readonly rows: CatalogRowCount
  /** Declarative partitioning (PostgreSQL) or `PARTITION BY` (MySQL), when the table has it. */
  readonly partitioning?: CatalogPartitioning
  /** Names of triggers that fire on DELETE: per-row work no strategy sees. */
  readonly deleteTriggers: readonly string[]
  /** What about this table could not be read or represented, one line each. */
  readonly notes: readonly string[]
}

export interface CatalogRowCount {
  /** The catalog's estimate (`reltuples`, `TABLE_ROWS`; SQLite: counted, it is a local file). */
  readonly estimate: number
  /** `COUNT(*)`, only when asked for (`--exact`). */
  readonly exact?: number
}

export interface CatalogPartitioning {
  readonly method: 'range' | 'list' | 'hash' | 'key'
  /** The partition key's columns (empty when it is an expression). */
  readonly columns: readonly string[]
  readonly partitions: number
}

export interface CatalogColumn {
  readonly name: string
  /** The type as the database spells it, e.g. `character varying(40)`, `enum('a','b')`. */
  readonly nativeType: string
  /**
   * Also `uuid` for a char/varchar/text column whose sampled values are all uuids (MariaDB and SQLite
   * keep uuids as text; the table's notes say so, and `nativeType` keeps the declared type).
   */
  readonly kind: CatalogColumnKind
  /** Character length for char/varchar. */
  readonly length?: number
  /** Digits for numeric. */
  readonly precision?: number
  readonly scale?: number
  /** The labels of an enum, in declared order. */
  readonly enumValues?: readonly string[]
  /** For arrays: the element kind. */
  readonly element?: CatalogColumnKind
  readonly nullable: boolean
  /** The default expression verbatim, when there is one (and it is not the identity's sequence). */
  readonly default?: string
  /** Identity, serial or auto-increment: the database numbers the rows. */
  readonly identity: boolean
  /** A generated (computed) column: it cannot be written. */
  readonly generated: boolean
  /** Value shapes, when statistics or a sample could be read. */
  readonly stats?: ColumnStats
}

/** The shape of a column's values; every figure is over non-null values unless it says otherwise. */
export interface ColumnStats {
  /** Where the figures came from: the database's statistics, or a bounded sample of rows. */
  readonly source: 'statistics' | 'sample'
  /** Share of rows that are null, 0–1. */
  readonly nullFraction: number
  /** Estimated distinct non-null values in the whole table. */
  readonly distinct: number
  /** Average stored width in bytes. */
  readonly averageWidth?: number
  /** Shortest and longest text, in characters (text-like kinds). */
  readonly minLength?: number
  readonly maxLength?: number
  /** Smallest and largest value, as text (numbers, dates, timestamps as ISO-8601 UTC). */
  readonly min?: string
  readonly max?: string
  /** Most common values with their share of all rows, most frequent first. */
  readonly mostCommon?: readonly { readonly value: string; readonly frequency: number }[]
  /** Equal-frequency bucket bounds over the values not in `mostCommon`, ascending, as text. */
  readonly histogram?: readonly string[]
}

export interface CatalogForeignKey {
  /** The constraint's name in the source. */
  readonly name: string
  readonly columns: readonly string[]
  readonly references: string
  readonly referencedColumns: readonly string[]
  readonly onDelete: CatalogFkAction
  /** Whether an index's leading columns are exactly the FK's columns (in any order). */
  readonly indexed: boolean
  /** Children per parent, from a bounded sample of parents; absent when not measured. */
  readonly fanOut?: FanOut
}

export interface FanOut {
  /** Mean children per parent, over sampled parents (including those with none). */
  readonly mean: number
  readonly stddev: number
  readonly max: number
  /** Share of sampled parents with no children, 0–1. */
  readonly childless: number
  /** Share of children whose reference is null, 0–1. */
  readonly nullShare: number
  /** Parents sampled. */
  readonly sampled: number
}

export interface CatalogTarget {
  readonly table: string
  /** The predicate as given: SQL on the target table, literal values only. */
  readonly where: string
  /**
   * Rows the predicate selects: the planner's estimate, or counted with `--exact` (SQLite has no
   * estimate: always counted, and the catalog's notes say so).
   */
  readonly rows: number
  readonly method: 'estimate' | 'exact'
}

/** What to read and how hard to look. */
export interface CatalogReadOptions {
  /** Only these tables (and nothing else); all base tables of the database when absent. */
  readonly tables?: readonly string[]
  /** Count rows exactly (full scans). */
  readonly exact: boolean
  /** Rows sampled per table where statistics are missing, and parents sampled per FK for fan-out. */
  readonly sampleRows: number
  /** Each statement's time limit, in milliseconds. */
  readonly statementTimeoutMs: number
  /** A target whose selectivity to estimate. */
  readonly target?: { readonly table: string; readonly where: string }
}
