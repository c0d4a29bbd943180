import type { SqlAdapter } from '../dialect.js'

export const sqliteAdapter: SqlAdapter = Object.freeze({
  /**
   * A deferred transaction that reads and then writes cannot wait for another writer: SQLite fails it
   * at once with "database is locked". IMMEDIATE takes the write lock at BEGIN, where the busy timeout
   * applies, as Rails (since 7.1) and Django (as an option since 5.1) do for SQLite.
   */
  beginSql: 'BEGIN IMMEDIATE',
  placeholder: () => '?',
  quote: (identifier: string) => `"${identifier.replaceAll('"', '""')}"`,
  tableExistsSql: (table: string) =>
    `SELECT COUNT(*) AS found FROM sqlite_master WHERE type = 'table' AND name = '${table.replaceAll("'", "''")}'`,
})
