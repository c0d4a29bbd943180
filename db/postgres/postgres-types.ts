import { createHash } from 'node:crypto'
import {
  numericDigits,
  type ArrayElementType,
  type ColumnSpec,
  type TableSpec,
} from '../../core/table-spec.js'
import { postgresAdapter } from './postgres-adapter.js'

const q = postgresAdapter.quote

const TYPES: Readonly<Record<Exclude<ColumnSpec['type'], 'numeric' | 'enum' | 'array'>, string>> = {
  integer: 'integer',
  bigint: 'bigint',
  varchar: 'varchar',
  text: 'text',
  timestamp: 'timestamp(0) without time zone',
  json: 'jsonb',
  double: 'double precision',
  boolean: 'boolean',
  uuid: 'uuid',
  date: 'date',
  // Microseconds, as real schemas have them; delbench sessions run in UTC (see the dialect's setup).
  timestamptz: 'timestamptz',
  bytes: 'bytea',
}

const ELEMENTS: Readonly<Record<ArrayElementType, string>> = {
  integer: 'integer',
  bigint: 'bigint',
  text: 'text',
  varchar: 'varchar',
  numeric: 'numeric',
  boolean: 'boolean',
  uuid: 'uuid',
}

/**
 * The enum type of a column: named by the column and a hash of its labels, not by its table, so the
 * copy a table swap creates under another name gets the same type (PostgreSQL will not cast between
 * two enum types in `INSERT … SELECT`). It lives in the database and is dropped with it.
 */
export function enumTypeName(column: ColumnSpec): string {
  const labels = createHash('sha256')
    .update((column.values ?? []).join('\u0000'))
    .digest('hex')
    .slice(0, 8)
  return `enum_${column.name.slice(0, 45)}_${labels}`
}

/** A column's type as PostgreSQL spells it. */
export function postgresColumnType(column: ColumnSpec): string {
  switch (column.type) {
    case 'numeric': {
      const { precision, scale } = numericDigits(column)
      return `numeric(${precision},${scale})`
    }
    case 'enum':
      return q(enumTypeName(column))
    case 'array':
      return `${ELEMENTS[column.element ?? 'text']}[]`
    case 'varchar':
      return column.length ? `varchar(${column.length})` : 'varchar'
    default:
      return TYPES[column.type]
  }
}

const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`

/**
 * CREATE TYPE for each enum column, made once however many tables (or copies of one) use it: a second
 * creation, or one racing a parallel loader's, is ignored.
 */
export function enumTypeStatements(table: TableSpec): string[] {
  return table.columns
    .filter((c) => c.type === 'enum')
    .map(
      (c) =>
        `DO $delbench$ BEGIN CREATE TYPE ${q(enumTypeName(c))} AS ENUM (${(c.values ?? []).map(literal).join(', ')}); ` +
        `EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $delbench$`,
    )
}
