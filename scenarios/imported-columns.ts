import { ARRAY_ELEMENT_TYPES } from '../core/table-spec.js'
import type { CatalogColumn, ColumnStats } from '../db/catalog.js'
import type { JsonCell, JsonColumn, JsonGenerator } from './imported-json.js'

/** What translating one column needs to know beyond the column itself. */
export interface ColumnSituation {
  readonly table: string
  /** The column alone is the primary key or a unique key: every row needs its own value. */
  readonly unique: boolean
  /** Copy its most common values into the file (`--copy-common-values`, or a column the target names). */
  readonly copyValues: boolean
  /** The scenario's reference time (the source's read time), in ms: relative timestamps count from it. */
  readonly referenceMs: number
}

/** A column as the scenario writes it, and what was approximated on the way (one line each). */
export interface ImportedColumn {
  readonly column: JsonColumn
  readonly notes: readonly string[]
  /** Whether most common values were written into the file. */
  readonly copied: boolean
}

export type ColumnShape = Omit<JsonColumn, 'name' | 'nullable' | 'nullFraction' | 'generate'>

/** Element kinds an array column may have in a scenario; others become text elements. */
const ARRAY_ELEMENTS: ReadonlySet<string> = new Set(ARRAY_ELEMENT_TYPES)

/** The scenario type nearest the source's, and a note where it is not the same. */
export function shapeOf(column: CatalogColumn): { shape: ColumnShape; note?: string } {
  const near = (shape: ColumnShape, why: string) => ({
    shape,
    note: `${column.name} (${column.nativeType}) is seeded as ${shape.type}: ${why}`,
  })
  switch (column.kind) {
    case 'smallint':
    case 'integer':
      return { shape: { type: 'integer' } }
    case 'bigint':
    case 'boolean':
    case 'uuid':
    case 'json':
    case 'date':
    case 'timestamp':
    case 'timestamptz':
    case 'bytes':
    case 'text':
    case 'double':
      return { shape: { type: column.kind } }
    case 'numeric':
      if (column.precision === undefined)
        return near(
          { type: 'numeric', precision: 38, scale: column.scale ?? 6 },
          'it has no declared precision',
        )
      return { shape: { type: 'numeric', precision: column.precision, scale: column.scale ?? 0 } }
    case 'char':
    case 'varchar':
      return { shape: { type: 'varchar', length: column.length ?? 255 } }
    case 'enum':
      if (!column.enumValues?.length)
        return near({ type: 'varchar', length: 255 }, 'its labels could not be read')
      return { shape: { type: 'enum', values: column.enumValues } }
    case 'array': {
      const element = column.element
      if (element && ARRAY_ELEMENTS.has(element)) return { shape: { type: 'array', element } }
      return near({ type: 'array', element: 'text' }, `elements of kind ${element ?? 'unknown'} become text`)
    }
    case 'time':
      return near({ type: 'varchar', length: 15 }, 'times of day are not a scenario type')
    case 'other':
      return near({ type: 'text' }, 'delbench has no type like it')
  }
}

/**
 * Translates one source column: its type, its null share and a generator that reproduces the shape of
 * its values (range, lengths, distinctness, frequencies) without copying data values, unless asked.
 * Key and foreign-key columns get their generators from the caller, which knows the graph.
 */
export function importedColumn(column: CatalogColumn, situation: ColumnSituation): ImportedColumn {
  const { shape, note } = shapeOf(column)
  const stats = column.stats
  const nullFraction = column.nullable && stats ? round(stats.nullFraction, 4) : 0
  const copied = situation.copyValues && isLowCardinality(stats)
  const generate =
    column.identity || (situation.unique && isIntegerType(shape.type))
      ? { kind: 'sequence', ...(stats?.min !== undefined ? { start: Number(stats.min) || 1 } : {}) }
      : copied && stats
        ? commonValues(shape, stats)
        : valueGenerator(shape, stats, situation)
  return {
    column: {
      name: column.name,
      ...shape,
      ...(column.nullable ? { nullable: true } : {}),
      ...(nullFraction > 0 ? { nullFraction } : {}),
      generate,
    },
    notes: note ? [`${situation.table}.${note}`] : [],
    copied,
  }
}

export function isIntegerType(type: string): boolean {
  return type === 'integer' || type === 'bigint'
}

/** Few enough distinct values that their frequencies describe the column (statuses, kinds, flags). */
function isLowCardinality(stats: ColumnStats | undefined): boolean {
  if (!stats?.mostCommon?.length) return false
  const nonNull = 1 - stats.nullFraction
  const covered = stats.mostCommon.reduce((sum, v) => sum + v.frequency, 0)
  return nonNull <= 0 || covered / nonNull >= 0.9
}

/** One of the most common values, weighted by how often each appears among non-null rows. */
function commonValues(shape: ColumnShape, stats: ColumnStats): JsonGenerator {
  const numeric = !['varchar', 'text', 'enum', 'uuid', 'date', 'timestamp', 'timestamptz'].includes(
    shape.type,
  )
  const common = stats.mostCommon ?? []
  const values: JsonCell[] = common.map((v) =>
    numeric ? Number(v.value) : portableText(v.value, shape.type),
  )
  return { kind: 'choice', values, weights: common.map((v) => Math.max(v.frequency, 1e-6)) }
}

/** The generator for an ordinary column, from its statistics where there are any. */
function valueGenerator(
  shape: ColumnShape,
  stats: ColumnStats | undefined,
  situation: ColumnSituation,
): JsonGenerator {
  const distinct = stats && stats.distinct > 0 ? { distinct: Math.max(1, Math.round(stats.distinct)) } : {}
  switch (shape.type) {
    case 'integer':
    case 'bigint':
      if (stats?.histogram && stats.histogram.length >= 2 && !situation.unique)
        return { kind: 'histogram', bounds: stats.histogram.map(Number) }
      return { kind: 'int', ...numberRange(stats, 1, 1_000_000, true), ...distinct }
    case 'numeric':
    case 'double':
      if (stats?.histogram && stats.histogram.length >= 2)
        return { kind: 'histogram', bounds: stats.histogram.map(Number) }
      return {
        kind: 'number',
        ...numberRange(stats, 0, 1000, false),
        // Generated numbers carry at most 15 decimals (a double's precision); the column keeps its own scale.
        ...(shape.scale !== undefined ? { scale: Math.min(shape.scale, 15) } : {}),
        ...distinct,
      }
    case 'boolean':
      return { kind: 'boolean', trueFraction: trueFraction(stats) }
    case 'uuid':
      return { kind: 'uuid' }
    case 'enum':
      return enumChoice(shape.values ?? [], stats)
    case 'date':
    case 'timestamp':
    case 'timestamptz':
      return timeGenerator(shape.type, stats, situation.referenceMs)
    case 'bytes':
      return { kind: 'bytes', ...lengths(stats, 16, 64) }
    case 'json':
      return { kind: 'json', fields: { value: { kind: 'text', ...lengths(stats, 8, 32, 12) } } }
    case 'array':
      return { kind: 'array', of: elementGenerator(shape.element ?? 'text'), minLength: 0, maxLength: 4 }
    default:
      return situation.unique
        ? uniqueText(lengths(stats, 8, 24, 0, shape.length), shape.length)
        : {
            kind: 'text',
            ...lengths(stats, 8, 24, 0, shape.length),
            ...distinct,
          }
  }
}

/** Unique text ends in the row number written in letters: room for eight of them (200 billion rows). */
function uniqueText(
  range: { minLength: number; maxLength: number },
  limit: number | undefined,
): JsonGenerator {
  const maxLength = Math.min(Math.max(range.maxLength, 8), limit ?? Infinity)
  return { kind: 'text', minLength: Math.min(range.minLength, maxLength), maxLength, unique: true }
}

function numberRange(stats: ColumnStats | undefined, min: number, max: number, integer: boolean) {
  const low = Number(stats?.min)
  const high = Number(stats?.max)
  if (!Number.isFinite(low) || !Number.isFinite(high) || high < low) return { min, max }
  return integer ? { min: Math.floor(low), max: Math.ceil(high) } : { min: low, max: high }
}

/** Text lengths from the sample, or from the average width (less the length byte PostgreSQL counts). */
function lengths(stats: ColumnStats | undefined, min: number, max: number, overhead = 0, limit?: number) {
  let low = stats?.minLength
  let high = stats?.maxLength
  if ((low === undefined || high === undefined) && stats?.averageWidth !== undefined) {
    const average = Math.max(1, Math.round(stats.averageWidth) - 1 - overhead)
    low = Math.max(0, Math.floor(average * 0.5))
    high = Math.max(low, Math.ceil(average * 1.5))
  }
  const cap = (n: number) => (limit === undefined ? n : Math.min(n, limit))
  return { minLength: cap(low ?? min), maxLength: cap(high ?? max) }
}

function trueFraction(stats: ColumnStats | undefined): number {
  const nonNull = stats ? 1 - stats.nullFraction : 1
  const yes = stats?.mostCommon?.find((v) => ['t', 'true', '1'].includes(v.value.toLowerCase()))
  if (yes && nonNull > 0) return round(yes.frequency / nonNull, 4)
  const no = stats?.mostCommon?.find((v) => ['f', 'false', '0'].includes(v.value.toLowerCase()))
  if (no && nonNull > 0) return round(1 - no.frequency / nonNull, 4)
  return 0.5
}

/** An enum's labels (schema, not data) weighted by their measured frequency; unseen labels get a little. */
function enumChoice(labels: readonly string[], stats: ColumnStats | undefined): JsonGenerator {
  if (labels.length === 0) return { kind: 'text', minLength: 4, maxLength: 12 }
  const seen = new Map(stats?.mostCommon?.map((v) => [v.value, v.frequency]) ?? [])
  if (seen.size === 0) return { kind: 'choice', values: labels }
  const rest = Math.max(0, 1 - (stats?.nullFraction ?? 0) - [...seen.values()].reduce((a, b) => a + b, 0))
  const unseen = labels.filter((l) => !seen.has(l)).length
  const weights = labels.map((l) => Math.max(seen.get(l) ?? (unseen ? rest / unseen : 0), 1e-6))
  return { kind: 'choice', values: labels, weights: weights.map((w) => round(w, 6)) }
}

/** Timestamps and dates: the source's histogram where it has one, else its range relative to the read time. */
function timeGenerator(type: string, stats: ColumnStats | undefined, referenceMs: number): JsonGenerator {
  if (stats?.histogram && stats.histogram.length >= 2)
    return { kind: 'histogram', bounds: stats.histogram.map((b) => portableText(b, type)) }
  const day = 86_400_000
  const low = Date.parse(stats?.min ?? '')
  const high = Date.parse(stats?.max ?? '')
  if (Number.isNaN(low) || Number.isNaN(high) || high < low)
    return { kind: 'timestamp', fromDays: -365, toDays: 0 }
  return {
    kind: 'timestamp',
    fromDays: round((low - referenceMs) / day, 3),
    toDays: round((high - referenceMs) / day, 3),
  }
}

function elementGenerator(element: string): JsonGenerator {
  switch (element) {
    case 'integer':
    case 'bigint':
      return { kind: 'int', min: 1, max: 1000 }
    case 'numeric':
      return { kind: 'number', min: 0, max: 1000, scale: 2 }
    case 'boolean':
      return { kind: 'boolean', trueFraction: 0.5 }
    case 'uuid':
      return { kind: 'uuid' }
    default:
      return { kind: 'text', minLength: 3, maxLength: 12 }
  }
}

/**
 * A value read from the source as the scenario writes it: timestamps as `YYYY-MM-DD HH:MM:SS` UTC
 * (the text every database stores alike), dates as `YYYY-MM-DD`, anything else verbatim.
 */
export function portableText(value: string, type: string): string {
  if (type !== 'timestamp' && type !== 'timestamptz' && type !== 'date') return value
  const zoned = /([zZ]|[+-]\d\d(:?\d\d)?)$/.test(value) && /\d[T ]\d/.test(value)
  const text = /^\d{4}-\d\d-\d\d$/.test(value)
    ? `${value}T00:00:00Z`
    : zoned
      ? value
      : `${value.replace(' ', 'T')}Z`
  const ms = Date.parse(text)
  if (Number.isNaN(ms)) return value
  const iso = new Date(ms).toISOString()
  return type === 'date' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
}

function round(n: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}
