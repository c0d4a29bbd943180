import type { Connection } from './connection.js'
import type { ForeignKeySpec, TableSpec } from '../core/table-spec.js'

/** A parent table whose deleted rows a trigger records in the queue, by one key column. */
export interface QueuedParent {
  readonly table: string
  /** The column its dependents reference (their loose foreign keys point at it). */
  readonly column: string
}

/**
 * GitLab-style loose foreign keys in a dialect's own DDL: a queue table of deleted parent keys, a
 * trigger per parent table that fills it, and the real foreign keys it replaces taken away.
 */
export interface LooseForeignKeySql {
  /** The queue table `queue` (id, parent_table, parent_key) and its index on (parent_table, id). */
  createQueue(queue: string): string[]
  /** A trigger recording each deleted row of `parent.table` as (table name, `parent.column`) in `queue`. */
  createTrigger(queue: string, parent: QueuedParent): string[]
  /**
   * Drops `fks` from `table`, keeping its indexes (the cleanup finds dependents by them). SQLite cannot
   * drop a constraint: it rebuilds the table without them, as its documented ALTER TABLE procedure does.
   */
  dropForeignKeys(table: TableSpec, fks: readonly ForeignKeySpec[]): string[]
}

/**
 * Whether `SELECT … FOR UPDATE SKIP LOCKED` runs here (PostgreSQL 9.5+, MySQL 8, MariaDB 10.6+; not
 * SQLite): tried on a temporary table, never assumed from the product name.
 */
export async function probeSkipLocked(conn: Connection): Promise<boolean> {
  const table = 'delbench_probe_skip_locked'
  await conn.query(`CREATE TEMPORARY TABLE ${table} (x INTEGER)`)
  try {
    await conn.query(`SELECT x FROM ${table} FOR UPDATE SKIP LOCKED`)
    return true
  } catch {
    return false
  } finally {
    await conn.query(`DROP TABLE ${table}`)
  }
}
