import type { CellValue } from './table-spec.js'

/**
 * Rows as the tab-separated text both PostgreSQL's `COPY ... FROM STDIN` (text format) and MySQL's
 * `LOAD DATA` (default field and line terminators) read: `\N` for NULL, and backslash, tab, newline and
 * carriage return escaped with a backslash.
 */
export function encodeTsv(rows: readonly (readonly CellValue[])[]): string {
  let out = ''
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      if (i > 0) out += '\t'
      const value = row[i]
      if (value === null || value === undefined) out += '\\N'
      else if (typeof value === 'number') out += String(value)
      else out += /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, escapeChar) : value
    }
    out += '\n'
  }
  return out
}

function escapeChar(c: string): string {
  return c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'
}

/** One text chunk per batch, made only when the stream asks for it: memory stays flat. */
export function* tsvChunks(batches: Iterable<readonly CellValue[][]>): Generator<string> {
  for (const batch of batches) yield encodeTsv(batch)
}
