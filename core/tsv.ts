import type { CellValue, ColumnType } from './table-spec.js'

/** How a column's values are written: numbers and timestamps can never need escaping, text can. */
export type CellEncoder = (value: CellValue) => string

const NEEDS_ESCAPE = /[\\\t\n\r]/
const ESCAPES = /[\\\t\n\r]/g

function escapeChar(c: string): string {
  return c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'
}

/** A text as a TSV field: backslash, tab, newline and carriage return escaped. */
export function escapeTsv(s: string): string {
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPES, escapeChar) : s
}

const plain: CellEncoder = (v) => (v === null ? '\\N' : String(v))
const text: CellEncoder = (v) => (v === null ? '\\N' : escapeTsv(String(v)))

/** Types whose values are numbers, hex or fixed-form text (a uuid, a date): nothing to escape. */
const PLAIN_TYPES: ReadonlySet<ColumnType> = new Set<ColumnType>([
  'integer',
  'bigint',
  'timestamp',
  'numeric',
  'double',
  'boolean',
  'uuid',
  'date',
  'timestamptz',
  'bytes',
])

/**
 * One encoder per column type: only text-like columns pay for the escape check. A dialect gives its
 * own encoders for the types its loader writes in its own form (PostgreSQL's bytea and arrays).
 */
export function cellEncoders(
  types: readonly ColumnType[],
  own: Partial<Record<ColumnType, CellEncoder>> = {},
): CellEncoder[] {
  return types.map((t) => own[t] ?? (PLAIN_TYPES.has(t) ? plain : text))
}

/**
 * Rows as the tab-separated text both PostgreSQL's `COPY ... FROM STDIN` (text format) and MySQL's
 * `LOAD DATA` (default field and line terminators) read: `\N` for NULL, and backslash, tab, newline and
 * carriage return escaped with a backslash.
 */
export function encodeTsv(
  rows: readonly (readonly CellValue[])[],
  encoders?: readonly CellEncoder[],
): string {
  let out = ''
  for (const row of rows) {
    const width = row.length
    for (let i = 0; i < width; i++) {
      const encode = encoders?.[i] ?? text
      out += (i === 0 ? '' : '\t') + encode(row[i] ?? null)
    }
    out += '\n'
  }
  return out
}

/**
 * One text chunk per batch, made only when the stream asks for it: memory stays flat. Between chunks
 * the event loop gets a turn: a local server drains the socket as fast as rows are made, so the stream
 * never waits on it, and without the turn no other connection of this process (a second load lane)
 * would be served until the whole table was sent.
 */
export async function* tsvChunks(
  batches: Iterable<readonly CellValue[][]>,
  encoders?: readonly CellEncoder[],
): AsyncGenerator<string> {
  for (const batch of batches) {
    yield encodeTsv(batch, encoders)
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}
