import type { JoiningDelete, SqlAdapter } from '../dialect.js'

export const postgresAdapter: SqlAdapter = Object.freeze({
  placeholder: (index: number) => `$${index}`,
  quote: (identifier: string) => `"${identifier.replaceAll('"', '""')}"`,
  tableExistsSql: (table: string) =>
    // pg_tables, not information_schema's view (its privilege checks made this 5 ms on every new session).
    `SELECT COUNT(*) AS found FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = '${table.replaceAll("'", "''")}'`,
  deleteJoining: ({ table, column, keys, where }: JoiningDelete) =>
    `DELETE FROM ${table} USING ${keys} k WHERE ${table}.${column} = k.id AND ${where}`,
})
