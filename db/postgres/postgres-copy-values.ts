import type { CellValue, ColumnType } from '../../core/table-spec.js'
import { escapeTsv, type CellEncoder } from '../../core/tsv.js'

const NULL = '\\N'

/** An array element in PostgreSQL's array literal: strings double-quoted, `"` and `\` escaped. */
function element(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'string') return `"${value.replace(/["\\]/g, '\\$&')}"`
  return String(value)
}

/** The JSON array text the generators make, as PostgreSQL's `{…}` literal. */
export function arrayLiteral(json: string): string {
  const values = JSON.parse(json) as unknown[]
  return `{${values.map(element).join(',')}}`
}

/**
 * COPY's text form of the types PostgreSQL reads differently from the others: bytea from `\x` hex (its
 * backslash escaped for COPY), arrays as `{…}` literals, and timestamptz with its UTC offset spelled
 * out, so the instant does not depend on the session's time zone.
 */
export const POSTGRES_COPY_ENCODERS: Partial<Record<ColumnType, CellEncoder>> = {
  bytes: (v: CellValue) => (v === null ? NULL : `\\\\x${v}`),
  array: (v: CellValue) => (v === null ? NULL : escapeTsv(arrayLiteral(String(v)))),
  timestamptz: (v: CellValue) => (v === null ? NULL : `${v}+00`),
}
