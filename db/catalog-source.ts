import type { Row } from './connection.js'
import type { CatalogColumn, CatalogFkAction, CatalogPartitioning, ColumnStats } from './catalog.js'

/**
 * A table without a catalog estimate is counted up to this many times `sampleRows` rows, no further;
 * an FK without an index has its fan-out counted only when its table is no bigger than that.
 */
export const BOUNDED_COUNT_FACTOR = 10

/** A foreign key as the catalog declares it, before delbench measures it. */
export interface DeclaredForeignKey {
  readonly name: string
  readonly columns: readonly string[]
  readonly references: string
  readonly referencedColumns: readonly string[]
  readonly onDelete: CatalogFkAction
}

/** A base table as one database's catalog describes it: everything but the measured figures. */
export interface DeclaredTable {
  readonly name: string
  readonly columns: readonly CatalogColumn[]
  readonly primaryKey: readonly string[]
  readonly uniques: readonly (readonly string[])[]
  readonly indexes: readonly (readonly string[])[]
  readonly foreignKeys: readonly DeclaredForeignKey[]
  readonly partitioning?: CatalogPartitioning
  readonly deleteTriggers: readonly string[]
  /** The catalog's row estimate; undefined when it has none (never analysed). */
  readonly rowEstimate: number | undefined
  readonly notes: readonly string[]
}

/** Column statistics the database keeps itself, by table name, then column name. */
export type DatabaseStatistics = ReadonlyMap<string, ReadonlyMap<string, ColumnStats>>

/**
 * What each database's catalog reader provides to the shared assembly (`catalog-assembly.ts`): its
 * catalog, its statistics and the few statements whose text differs between databases. Every
 * statement it runs is inside the one read-only transaction the reader opened.
 */
export interface CatalogSource {
  readonly product: string
  readonly version: string
  readonly database: string
  /** Notes about the whole read (which schema, what the database cannot do). */
  readonly notes: readonly string[]
  /** Whether the database keeps column statistics of its own (ANALYZE): without them, a table is noted. */
  readonly keepsStatistics: boolean
  /** Runs one read-only statement without parameters. */
  query(sql: string): Promise<Row[]>
  /** A quoted identifier. */
  quote(name: string): string
  /** Every base table, partitions folded into their parent. */
  tables(): Promise<DeclaredTable[]>
  /** The database's own column statistics, for the tables given with their row estimates. */
  statistics(tables: readonly DeclaredTable[], rows: ReadonlyMap<string, number>): Promise<DatabaseStatistics>
  /**
   * The FROM item of a bounded read of the table (a TABLESAMPLE, or the table itself for a LIMIT
   * read): `limit` rows are wanted of about `estimate`. It must never make the database scan the table.
   */
  sampleFrom(table: DeclaredTable, limit: number, estimate: number): Promise<string>
  /** The select-list item reading one column in a sample, under the column's own name. */
  sampleColumn(column: CatalogColumn): string
  /**
   * The database's own estimate of the rows `where` selects (its EXPLAIN); undefined when it has none.
   * It also proves the predicate is valid SQL on the table: it throws when it is not.
   */
  estimateRows(table: string, where: string): Promise<number | undefined>
}
