import type { ColumnSpec } from '../../core/table-spec.js'

const TYPES: Readonly<Record<ColumnSpec['type'], string>> = {
  integer: 'INTEGER',
  bigint: 'INTEGER',
  varchar: 'VARCHAR',
  text: 'TEXT',
  // SQLite has no date type: the UTC text sorts and compares correctly.
  timestamp: 'TEXT',
  json: 'TEXT',
  numeric: 'NUMERIC',
  double: 'REAL',
  // 0 and 1, held to that by a CHECK.
  boolean: 'INTEGER',
  uuid: 'TEXT',
  date: 'TEXT',
  timestamptz: 'TEXT',
  // Its labels held by a CHECK.
  enum: 'TEXT',
  // The JSON array, which SQLite's json functions read.
  array: 'TEXT',
  bytes: 'BLOB',
}

const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`

/** A column's type as SQLite declares it (its affinity), and the CHECK that stands in for a type it lacks. */
export function sqliteColumnType(column: ColumnSpec, quoted: string): string {
  const type = TYPES[column.type] + (column.type === 'varchar' && column.length ? `(${column.length})` : '')
  if (column.type === 'boolean') return `${type} CHECK (${quoted} IN (0, 1))`
  if (column.type === 'enum')
    return `${type} CHECK (${quoted} IN (${(column.values ?? []).map(literal).join(', ')}))`
  return type
}
