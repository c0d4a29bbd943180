import { numericDigits, type ColumnSpec } from '../../core/table-spec.js'

const TYPES: Readonly<Record<Exclude<ColumnSpec['type'], 'numeric' | 'enum' | 'varchar' | 'bytes'>, string>> =
  {
    integer: 'INT',
    bigint: 'BIGINT',
    text: 'TEXT',
    timestamp: 'DATETIME',
    json: 'JSON',
    double: 'DOUBLE',
    // TINYINT(1): 0 and 1, as MySQL's BOOLEAN is.
    boolean: 'BOOLEAN',
    // CHAR(36) rather than MariaDB's UUID type, which MySQL does not have.
    uuid: 'CHAR(36)',
    date: 'DATE',
    // Neither has a type that keeps an offset: the UTC instant is stored as a DATETIME (TIMESTAMP would
    // convert through the session's time zone and ends in 2038).
    timestamptz: 'DATETIME(6)',
    // MySQL has no arrays: the JSON array, as SQLite stores it too.
    array: 'JSON',
  }

/** A string literal for MySQL, whose default SQL mode treats backslash as an escape too. */
const literal = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`

/** A column's type as MySQL and MariaDB spell it. */
export function mysqlColumnType(column: ColumnSpec): string {
  switch (column.type) {
    case 'numeric': {
      const { precision, scale } = numericDigits(column)
      return `DECIMAL(${precision},${scale})`
    }
    case 'enum':
      return `ENUM(${(column.values ?? []).map(literal).join(', ')})`
    case 'varchar':
      return `VARCHAR(${column.length ?? 255})`
    case 'bytes':
      return column.length ? `VARBINARY(${column.length})` : 'LONGBLOB'
    default:
      return TYPES[column.type]
  }
}
