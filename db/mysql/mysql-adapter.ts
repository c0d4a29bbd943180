import type { CellValue } from '../../core/table-spec.js'
import type { JoiningDelete, SqlAdapter } from '../dialect.js'

export const mysqlAdapter: SqlAdapter = Object.freeze({
  placeholder: () => '?',
  quote: (identifier: string) => `\`${identifier.replaceAll('`', '``')}\``,
  tableExistsSql: (table: string) =>
    `SELECT COUNT(*) AS found FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '${table.replaceAll("'", "''")}'`,
  deleteJoining: ({ table, column, keys, where }: JoiningDelete) =>
    `DELETE ${table} FROM ${table} JOIN ${keys} k ON ${table}.${column} = k.id WHERE ${where}`,
  // MySQL's default SQL mode treats backslash as an escape inside strings too.
  literal: (value: CellValue) =>
    value === null
      ? 'NULL'
      : typeof value === 'number'
        ? String(value)
        : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`,
})
