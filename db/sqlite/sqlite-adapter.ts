import type { SqlAdapter } from '../dialect.js'

export const sqliteAdapter: SqlAdapter = Object.freeze({
  placeholder: () => '?',
  quote: (identifier: string) => `"${identifier.replaceAll('"', '""')}"`,
  tableExistsSql: (table: string) =>
    `SELECT COUNT(*) AS found FROM sqlite_master WHERE type = 'table' AND name = '${table.replaceAll("'", "''")}'`,
})
