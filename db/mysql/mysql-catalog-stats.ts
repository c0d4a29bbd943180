import type { CatalogColumnKind, ColumnStats } from '../catalog.js'
import { sampledValue } from '../catalog-sample.js'
import type { DatabaseStatistics, DeclaredTable } from '../catalog-source.js'
import type { Row } from '../connection.js'

const NUMERIC_KINDS = new Set<CatalogColumnKind>(['smallint', 'integer', 'bigint', 'numeric', 'double'])

/** `mysql.column_stats` rows as column stats, by table and column (MariaDB only). */
export function statisticsFromColumnStats(
  rows: readonly Row[],
  tables: readonly DeclaredTable[],
  estimates: ReadonlyMap<string, number>,
): DatabaseStatistics {
  const byName = new Map(tables.map((t) => [t.name, t]))
  const out = new Map<string, Map<string, ColumnStats>>()
  for (const row of rows) {
    const table = byName.get(String(row.t))
    const column = table?.columns.find((c) => c.name === row.c)
    if (!table || !column) continue
    const stats = columnStats(row, column.kind, estimates.get(table.name) ?? 0)
    if (!stats) continue
    const columns = out.get(table.name) ?? new Map<string, ColumnStats>()
    columns.set(column.name, stats)
    out.set(table.name, columns)
  }
  return out
}

/** varbinary columns come back as Buffers. */
function text(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value)
}

function columnStats(row: Row, kind: CatalogColumnKind, tableRows: number): ColumnStats | undefined {
  const avgFrequency = Number(row.avg_frequency)
  const nullFraction = Number(row.nulls_ratio ?? 0)
  // avg_frequency: rows per distinct non-null value.
  if (!(avgFrequency > 0)) return undefined
  const asText = (value: string | undefined) =>
    value === undefined ? undefined : (sampledValue(value, kind)?.text ?? value)
  const min = asText(text(row.min_value))
  const max = asText(text(row.max_value))
  const histogram = readHistogram(row, kind, { min, max, nullFraction, tableRows })
  return {
    source: 'statistics',
    nullFraction,
    distinct: Math.max(1, Math.round((tableRows * (1 - nullFraction)) / avgFrequency)),
    ...(row.avg_length === null ? {} : { averageWidth: Number(row.avg_length) }),
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
    ...histogram,
  }
}

interface HistogramParts {
  mostCommon?: { value: string; frequency: number }[]
  histogram?: string[]
}

/**
 * MariaDB's histograms: JSON_HB (10.8+) lists buckets with their start, share of rows and distinct
 * values — a bucket of one distinct value is a common value; DOUBLE_PREC_HB and SINGLE_PREC_HB store
 * each bound as a fixed-point position between min and max, meaningful for numbers only.
 */
function readHistogram(
  row: Row,
  kind: CatalogColumnKind,
  column: { min: string | undefined; max: string | undefined; nullFraction: number; tableRows: number },
): HistogramParts {
  const { min, max } = column
  const type = text(row.hist_type)
  const raw = row.histogram
  if (raw === null || raw === undefined || type === undefined) return {}
  if (type === 'JSON_HB') return jsonHistogram(text(raw) ?? '', kind, column)
  if (!NUMERIC_KINDS.has(kind) || min === undefined || max === undefined || !Buffer.isBuffer(raw)) return {}
  const width = type === 'DOUBLE_PREC_HB' ? 2 : 1
  const scale = width === 2 ? 0xffff : 0xff
  const low = Number(min)
  const high = Number(max)
  const bounds = [min]
  for (let at = 0; at + width <= raw.length; at += width) {
    const position = (width === 2 ? raw.readUInt16LE(at) : raw.readUInt8(at)) / scale
    bounds.push(String(low + position * (high - low)))
  }
  bounds.push(max)
  return { histogram: bounds }
}

interface JsonBucket {
  readonly start?: string
  readonly end?: string
  readonly size?: number
  readonly ndv?: number
}

function jsonHistogram(
  json: string,
  kind: CatalogColumnKind,
  column: { nullFraction: number; tableRows: number },
): HistogramParts {
  let buckets: JsonBucket[]
  try {
    buckets = (JSON.parse(json) as { histogram_hb?: JsonBucket[] }).histogram_hb ?? []
  } catch {
    return {}
  }
  const value = (v: string) => sampledValue(v, kind)?.text ?? v
  const nonNull = 1 - column.nullFraction
  const mostCommon = buckets
    // A bucket's size is its share of the non-null rows; a value in one row only is not common.
    .filter((b) => b.ndv === 1 && b.start !== undefined && (b.size ?? 0) * nonNull * column.tableRows >= 2)
    .map((b) => ({ value: value(b.start as string), frequency: (b.size ?? 0) * nonNull }))
    .sort((a, b) => b.frequency - a.frequency)
  const common = new Set(mostCommon.map((m) => m.value))
  const spread = buckets.filter((b) => b.ndv !== 1 && b.start !== undefined)
  const bounds = spread.map((b) => value(b.start as string)).filter((v) => !common.has(v))
  const last = buckets[buckets.length - 1]?.end
  if (bounds.length > 0 && last !== undefined) bounds.push(value(last))
  return {
    ...(mostCommon.length > 0 ? { mostCommon } : {}),
    ...(bounds.length > 1 ? { histogram: bounds } : {}),
  }
}
