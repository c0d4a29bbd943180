import type { Connection } from './connection.js'

/**
 * What a deletion costs the database itself, where the database exposes it: bytes of write-ahead /
 * redo log written, and the size of the tables before, after, and after reclaiming the space.
 */
export interface CostProbe {
  /** Log bytes written so far (a counter: the difference around a deletion is its cost), or null. */
  logBytes(conn: Connection): Promise<number | null>
  /** Bytes the given tables (with their indexes) occupy. */
  tableBytes(conn: Connection, tables: readonly string[]): Promise<number>
  /** Statements that give freed space back (VACUUM, VACUUM FULL, OPTIMIZE TABLE). */
  reclaimSql(tables: readonly string[]): string[]
  /** One line on what the figures cover, for the results file. */
  readonly note: string
}
