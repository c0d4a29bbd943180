import type { CatalogColumnKind, ColumnStats, FanOut } from './catalog.js'

/**
 * Pure arithmetic the three catalog readers share: the shape of a column from a bounded sample of its
 * values, and FK fan-out from per-parent child counts. No database here, only values.
 */

/** Most common values kept per column, like the databases' own statistics keep a short list. */
const MOST_COMMON_KEPT = 10
/** Histogram buckets computed from a sample (bounds = buckets + 1). */
const HISTOGRAM_BUCKETS = 10
const NUMERIC_KINDS: ReadonlySet<CatalogColumnKind> = new Set([
  'smallint',
  'integer',
  'bigint',
  'numeric',
  'double',
])
const TEXT_KINDS: ReadonlySet<CatalogColumnKind> = new Set(['char', 'varchar', 'text', 'enum', 'uuid'])
/** Kinds whose values have an order worth a minimum, maximum and histogram. */
const ORDERED_KINDS: ReadonlySet<CatalogColumnKind> = new Set([
  ...NUMERIC_KINDS,
  ...TEXT_KINDS,
  'date',
  'time',
  'timestamp',
  'timestamptz',
])

/** One sampled value as text, with its length where length means something (text: characters; bytes: bytes). */
interface SampledValue {
  readonly text: string
  readonly length?: number
}

/**
 * A value as a driver returned it, as text: timestamps as ISO-8601 UTC, bytes as hex (their length in
 * bytes), json and arrays as JSON. `null` for SQL NULL.
 */
export function sampledValue(value: unknown, kind: CatalogColumnKind): SampledValue | null {
  if (value === null || value === undefined) return null
  if (Buffer.isBuffer(value)) return { text: value.toString('hex'), length: value.length }
  if (value instanceof Date) return { text: value.toISOString() }
  if (typeof value === 'object') return { text: JSON.stringify(value) }
  const text = String(value)
  if (kind === 'timestamp' || kind === 'timestamptz') return { text: isoUtc(text) }
  if (kind === 'date') return { text: text.slice(0, 10) }
  if (kind === 'boolean') return { text: booleanText(text) }
  return TEXT_KINDS.has(kind) ? { text, length: [...text].length } : { text }
}

function booleanText(text: string): string {
  if (text === '1' || text === 't' || text === 'true') return 'true'
  if (text === '0' || text === 'f' || text === 'false') return 'false'
  return text
}

/**
 * A timestamp's text as ISO-8601 UTC (`2024-01-01T10:00:00Z`). Text without an offset is taken as
 * UTC: the readers set their session's time zone to UTC, and a plain `timestamp` has no zone. Text
 * that is not a timestamp is returned as it was.
 */
export function isoUtc(text: string): string {
  const match = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d(?::\d\d(?:\.\d+)?)?)\s*(Z|[+-]\d\d(?::?\d\d)?)?$/i.exec(
    text.trim(),
  )
  if (!match) return text
  const [, date, time, zone] = match
  const offset = zone === undefined || /^z$/i.test(zone) ? 'Z' : normaliseOffset(zone)
  const parsed = new Date(`${date}T${time}${offset}`)
  if (Number.isNaN(parsed.getTime())) return text
  const iso = parsed.toISOString()
  // Whole seconds stay whole: `.000Z` would only be noise in a scenario file.
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso
}

function normaliseOffset(zone: string): string {
  const digits = zone.replace(':', '')
  return digits.length === 3 ? `${digits}:00` : `${digits.slice(0, 3)}:${digits.slice(3)}`
}

/**
 * Distinct values in the whole table from a sample: the Haas–Stokes "Duj1" estimator PostgreSQL's
 * ANALYZE uses. Values seen once in the sample hint at many unseen ones; values seen repeatedly do
 * not. `sampled` non-null values out of `population` non-null values in the table.
 */
export function estimateDistinct(counts: readonly number[], sampled: number, population: number): number {
  const seen = counts.length
  if (sampled === 0) return 0
  if (population <= sampled) return seen
  const once = counts.filter((c) => c === 1).length
  if (once === seen) return Math.round(population * (seen / sampled))
  const estimate = (sampled * seen) / (sampled - once + (once * sampled) / population)
  return Math.round(Math.min(population, Math.max(seen, estimate)))
}

/**
 * A column's shape from the values of a bounded sample of `sampleSize` rows of a table of `tableRows`.
 * `values` holds one entry per sampled row (null for NULL). Returns undefined for an empty sample.
 */
export function statsFromSample(
  values: readonly unknown[],
  kind: CatalogColumnKind,
  tableRows: number,
): ColumnStats | undefined {
  if (values.length === 0) return undefined
  const present = values.map((v) => sampledValue(v, kind)).filter((v): v is SampledValue => v !== null)
  const nullFraction = (values.length - present.length) / values.length
  const counts = new Map<string, number>()
  for (const v of present) counts.set(v.text, (counts.get(v.text) ?? 0) + 1)
  const population = Math.max(present.length, Math.round(tableRows * (1 - nullFraction)))
  const stats: ColumnStats = {
    source: 'sample',
    nullFraction,
    distinct: estimateDistinct([...counts.values()], present.length, population),
    ...lengthRange(present),
    ...(present.length > 0 ? averageWidth(present) : {}),
  }
  if (present.length === 0) return stats
  const mostCommon = commonValues(counts, values.length)
  const common = new Set(mostCommon.map((m) => m.value))
  const rest = ORDERED_KINDS.has(kind)
    ? sortValues(
        present.map((v) => v.text).filter((t) => !common.has(t)),
        kind,
      )
    : []
  return {
    ...stats,
    ...valueRange([...counts.keys()], kind),
    ...(mostCommon.length > 0 ? { mostCommon } : {}),
    ...(rest.length > HISTOGRAM_BUCKETS * 2 ? { histogram: equalFrequencyBounds(rest) } : {}),
  }
}

function lengthRange(values: readonly SampledValue[]): { minLength?: number; maxLength?: number } {
  const lengths = values.map((v) => v.length).filter((l): l is number => l !== undefined)
  if (lengths.length === 0) return {}
  return { minLength: Math.min(...lengths), maxLength: Math.max(...lengths) }
}

function averageWidth(values: readonly SampledValue[]): { averageWidth: number } {
  const bytes = values.reduce((sum, v) => sum + (v.length ?? Buffer.byteLength(v.text)), 0)
  return { averageWidth: Math.round((bytes / values.length) * 10) / 10 }
}

/** Values seen more than once, most frequent first, with their share of all sampled rows. */
function commonValues(
  counts: ReadonlyMap<string, number>,
  rows: number,
): { value: string; frequency: number }[] {
  return [...counts]
    .filter(([, n]) => n > 1)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, MOST_COMMON_KEPT)
    .map(([value, n]) => ({ value, frequency: n / rows }))
}

/** The smallest and largest of some values of a column, in its own order. */
export function valueRange(
  values: readonly string[],
  kind: CatalogColumnKind,
): { min?: string; max?: string } {
  if (!ORDERED_KINDS.has(kind) || values.length === 0) return {}
  const sorted = sortValues(values, kind)
  return { min: sorted[0], max: sorted[sorted.length - 1] }
}

/** Text values in the column's own order: numbers numerically, everything else as text (ISO sorts). */
export function sortValues(values: readonly string[], kind: CatalogColumnKind): string[] {
  if (NUMERIC_KINDS.has(kind)) return [...values].sort((a, b) => Number(a) - Number(b))
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

function equalFrequencyBounds(sorted: readonly string[]): string[] {
  const bounds: string[] = []
  for (let b = 0; b <= HISTOGRAM_BUCKETS; b++) {
    const at = Math.min(sorted.length - 1, Math.round((b * (sorted.length - 1)) / HISTOGRAM_BUCKETS))
    bounds.push(sorted[at] as string)
  }
  return bounds
}

/**
 * Fan-out from the children counted for each sampled parent, and the share of children whose
 * reference is null (measured on the child side).
 */
export function fanOutFromCounts(counts: readonly number[], nullShare: number): FanOut | undefined {
  if (counts.length === 0) return undefined
  const mean = counts.reduce((s, c) => s + c, 0) / counts.length
  const variance = counts.reduce((s, c) => s + (c - mean) ** 2, 0) / counts.length
  return {
    mean,
    stddev: Math.sqrt(variance),
    max: Math.max(...counts),
    childless: counts.filter((c) => c === 0).length / counts.length,
    nullShare,
    sampled: counts.length,
  }
}
