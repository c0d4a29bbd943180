import type { JoiningDelete, SqlAdapter } from '../dialect.js'

export const mysqlAdapter: SqlAdapter = Object.freeze({
  placeholder: () => '?',
  quote: (identifier: string) => `\`${identifier.replaceAll('`', '``')}\``,
  tableExistsSql: (table: string) =>
    `SELECT COUNT(*) AS found FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '${table.replaceAll("'", "''")}'`,
  deleteJoining: ({ table, column, keys, where }: JoiningDelete) =>
    `DELETE ${table} FROM ${table} JOIN ${keys} k ON ${table}.${column} = k.id WHERE ${where}`,
})
