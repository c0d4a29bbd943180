import type { DeclaredTable } from './catalog-source.js'
import type { Row } from './connection.js'

/** Stretches of the key range a spread sample reads. */
const STRETCHES = 10

/**
 * Where there is no TABLESAMPLE (MySQL/MariaDB, SQLite), a plain LIMIT reads only the first rows of
 * a table: the oldest, often unlike the rest. A spread sample reads `limit` rows as ten short range
 * reads spaced evenly over an integer key's span (each an index range, never a scan), so old and new
 * rows are both seen. `key` is the integer key (SQLite's rowid, or a one-column integer primary key);
 * `low` and `high` its smallest and largest values, read from the index's ends.
 */
export function spreadSampleFrom(
  quote: (name: string) => string,
  table: DeclaredTable,
  range: { readonly key: string; readonly low: number; readonly high: number },
  limit: number,
): string {
  const { key, low, high } = range
  const per = Math.ceil(limit / STRETCHES)
  const step = (high - low + 1) / STRETCHES
  const reads: string[] = []
  for (let i = 0; i < STRETCHES; i++) {
    const from = Math.floor(low + i * step)
    const to = i === STRETCHES - 1 ? high + 1 : Math.floor(low + (i + 1) * step)
    // Parenthesised members keep their own ORDER BY and LIMIT (MySQL); SQLite wants them as subqueries.
    reads.push(
      `SELECT * FROM (SELECT * FROM ${quote(table.name)} WHERE ${key} >= ${from} AND ${key} < ${to} ORDER BY ${key} LIMIT ${per}) AS r${i}`,
    )
  }
  return `(${reads.join(' UNION ALL ')}) AS spread`
}

/**
 * A `sampleFrom` for databases without TABLESAMPLE: the whole table when it is no bigger than the
 * sample, a spread sample over `keyOf(table)` (an integer key expression) when it has one, else the
 * table itself for a plain LIMIT read. Each table's key range is read once.
 */
export function spreadSampler(
  query: (sql: string) => Promise<Row[]>,
  quote: (name: string) => string,
  keyOf: (table: DeclaredTable) => string | undefined,
): (table: DeclaredTable, limit: number, estimate: number) => Promise<string> {
  const ranges = new Map<string, { key: string; low: number; high: number } | undefined>()
  return async (table, limit, estimate) => {
    const key = keyOf(table)
    if (estimate <= limit || key === undefined) return quote(table.name)
    if (!ranges.has(table.name)) {
      const [row] = await query(`SELECT MIN(${key}) AS low, MAX(${key}) AS high FROM ${quote(table.name)}`)
      const low = Number(row?.low)
      const high = Number(row?.high)
      ranges.set(
        table.name,
        Number.isFinite(low) && Number.isFinite(high) && row?.low !== null ? { key, low, high } : undefined,
      )
    }
    const range = ranges.get(table.name)
    return range ? spreadSampleFrom(quote, table, range, limit) : quote(table.name)
  }
}
