import { numericDigits, type ArrayElementType, type ColumnSpec } from '../core/table-spec.js'
import { parseInstant } from '../scenarios/timestamps.js'

/**
 * One text per value, whichever database it was read back from and whichever JavaScript type its driver
 * made of it, and the same text for the value as generated: what makes content checksums comparable
 * across SQLite, PostgreSQL and MySQL, and with the generator's own.
 */
export type Canonical = (value: unknown) => string

const orNull =
  (fn: Canonical): Canonical =>
  (v) =>
    v === null || v === undefined ? '\\N' : fn(v)

/** A double to 15 significant digits: what every database prints of it without loss, whatever it prints. */
const double = (v: unknown): number => Number(Number(v).toPrecision(15))

/** true/false (PostgreSQL), 1/0 (MySQL, SQLite, the generators) as 1/0. */
const bit = (v: unknown): number => (typeof v === 'boolean' ? (v ? 1 : 0) : Number(v))

const hex = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString('hex') : String(v).toLowerCase())

/**
 * A UTC instant as `YYYY-MM-DD HH:MM:SS`, with its fraction of a second (trailing zeros cut) only when
 * it has one: PostgreSQL prints `…+00`, MySQL's DATETIME(6) `….000000`, SQLite what was stored.
 */
function utcInstant(v: unknown): string {
  const text = v instanceof Date ? v.toISOString() : String(v)
  const ms = parseInstant(text)
  if (ms === undefined) return text
  const fraction = /[.](\d+)/.exec(text)?.[1]?.replace(/0+$/, '') ?? ''
  const whole = new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ')
  return fraction === '' ? whole : `${whole}.${fraction}`
}

const ELEMENT: Readonly<Record<ArrayElementType, (v: unknown) => unknown>> = {
  integer: Number,
  bigint: Number,
  numeric: Number,
  boolean: bit,
  uuid: (v) => String(v).toLowerCase(),
  text: String,
  varchar: String,
}

export function canonicalizer(column: ColumnSpec): Canonical {
  switch (column.type) {
    case 'integer':
    case 'bigint':
      return orNull((v) => String(Number(v)))
    case 'numeric': {
      // PostgreSQL prints numeric as text with its scale, MySQL's driver makes a number of it, SQLite
      // keeps a REAL: each becomes the same double, printed with the column's scale.
      const { scale } = numericDigits(column)
      return orNull((v) => Number(v).toFixed(scale))
    }
    case 'double':
      return orNull((v) => String(double(v)))
    case 'boolean':
      return orNull((v) => String(bit(v)))
    case 'uuid':
      return orNull((v) => String(v).toLowerCase())
    case 'bytes':
      return orNull(hex)
    case 'date':
      return orNull((v) => (v instanceof Date ? v.toISOString() : String(v)).slice(0, 10))
    case 'timestamp':
      // Drivers return the text as stored; a Date would mean a driver was not set up for this.
      return orNull((v) => (v instanceof Date ? v.toISOString().slice(0, 19).replace('T', ' ') : String(v)))
    case 'timestamptz':
      return orNull(utcInstant)
    case 'json':
      return orNull((v) => stableJson(typeof v === 'string' ? (JSON.parse(v) as unknown) : v))
    case 'array': {
      // PostgreSQL's driver parses arrays (bigint and numeric elements as strings, booleans as such);
      // MySQL and SQLite hold the JSON text.
      const element = ELEMENT[column.element ?? 'text']
      return orNull((v) => {
        const values = (typeof v === 'string' ? JSON.parse(v) : v) as unknown[]
        return JSON.stringify(values.map((e) => (e === null ? null : element(e))))
      })
    }
    default:
      return orNull((v) => String(v))
  }
}

/** JSON with object keys sorted: PostgreSQL's jsonb reorders keys, MySQL and SQLite keep the text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}
