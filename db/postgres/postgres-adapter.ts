import type { JoiningDelete, SqlAdapter } from '../dialect.js'

export const postgresAdapter: SqlAdapter = Object.freeze({
  placeholder: (index: number) => `$${index}`,
  quote: (identifier: string) => `"${identifier.replaceAll('"', '""')}"`,
  tableExistsSql: (table: string) =>
    `SELECT COUNT(*) AS found FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '${table.replaceAll("'", "''")}'`,
  deleteJoining: ({ table, column, keys, where }: JoiningDelete) =>
    `DELETE FROM ${table} USING ${keys} k WHERE ${table}.${column} = k.id AND ${where}`,
})
