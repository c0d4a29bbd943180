import type { CatalogColumnKind, ColumnStats } from '../catalog.js'
import { sampledValue, valueRange } from '../catalog-sample.js'
import type { DatabaseStatistics, DeclaredTable } from '../catalog-source.js'
import type { Row } from '../connection.js'

/**
 * `pg_stats` for the tables read, one row per column. anyarray columns are read as `::text` (their
 * element type varies per column) and parsed here. A partitioned table's figures are its inherited
 * ones (over all partitions); a plain table's are its own.
 */
export const PG_STATS_SQL = `
SELECT s.tablename AS t, s.attname AS c, s.inherited, s.null_frac::float8 AS null_frac,
       s.n_distinct::float8 AS n_distinct, s.avg_width, s.most_common_vals::text AS mcv,
       s.most_common_freqs::float8[] AS mcf, s.histogram_bounds::text AS hist
FROM pg_stats s
WHERE s.schemaname = $1 AND s.tablename = ANY($2::text[])`

/** pg_stats rows as column stats, by table and column. */
export function statisticsFromPgStats(
  rows: readonly Row[],
  tables: readonly DeclaredTable[],
  estimates: ReadonlyMap<string, number>,
): DatabaseStatistics {
  const byName = new Map(tables.map((t) => [t.name, t]))
  const out = new Map<string, Map<string, ColumnStats>>()
  for (const row of rows) {
    const table = byName.get(String(row.t))
    if (!table || Boolean(row.inherited) !== (table.partitioning !== undefined)) continue
    const column = table.columns.find((c) => c.name === row.c)
    if (!column) continue
    const stats = pgColumnStats(row, column.kind, estimates.get(table.name) ?? 0)
    const columns = out.get(table.name) ?? new Map<string, ColumnStats>()
    columns.set(column.name, stats)
    out.set(table.name, columns)
  }
  return out
}

function pgColumnStats(row: Row, kind: CatalogColumnKind, tableRows: number): ColumnStats {
  const nullFraction = Number(row.null_frac)
  const nDistinct = Number(row.n_distinct)
  // Negative n_distinct is minus the share of rows that are distinct: it grows with the table.
  const distinct = nDistinct >= 0 ? nDistinct : Math.round(-nDistinct * tableRows)
  const asText = (value: string | null) => sampledValue(value, kind)?.text ?? ''
  const values = row.mcv === null ? [] : parsePostgresArray(String(row.mcv)).map(asText)
  const freqs = Array.isArray(row.mcf) ? row.mcf.map(Number) : []
  const histogram = row.hist === null ? [] : parsePostgresArray(String(row.hist)).map(asText)
  return {
    source: 'statistics',
    nullFraction,
    distinct,
    averageWidth: Number(row.avg_width),
    ...(values.length > 0
      ? { mostCommon: values.map((value, i) => ({ value, frequency: freqs[i] ?? 0 })) }
      : {}),
    ...(histogram.length > 0 ? { histogram } : {}),
    // The histogram's ends and the common values span what ANALYZE's sample saw: the whole table's range.
    ...valueRange([...values, ...histogram], kind),
  }
}

/**
 * The elements of a PostgreSQL array literal (`{a,"b c",NULL}`), one level deep: a nested array's
 * element comes back as its own literal (`{1,2}`). NULL elements come back as null.
 */
export function parsePostgresArray(text: string): (string | null)[] {
  const body = text.trim().replace(/^\{/, '').replace(/\}$/, '')
  const out: (string | null)[] = []
  let i = 0
  while (i < body.length) {
    const { value, end } = body[i] === '"' ? quotedElement(body, i) : bareElement(body, i)
    out.push(value)
    i = end + 1 // past the comma
  }
  return out
}

function quotedElement(body: string, start: number): { value: string; end: number } {
  let value = ''
  let i = start + 1
  while (i < body.length && body[i] !== '"') {
    if (body[i] === '\\') i++
    value += body[i] ?? ''
    i++
  }
  return { value, end: i + 1 }
}

function bareElement(body: string, start: number): { value: string | null; end: number } {
  let depth = 0
  let i = start
  for (; i < body.length; i++) {
    const ch = body[i]
    if (ch === '{') depth++
    else if (ch === '}') depth--
    else if (ch === ',' && depth === 0) break
    else if (ch === '"' && depth > 0) i = quotedElement(body, i).end - 1
  }
  const raw = body.slice(start, i).trim()
  return { value: raw === 'NULL' ? null : raw, end: i }
}
