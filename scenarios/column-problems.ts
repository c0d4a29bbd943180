import type { CellValue, ColumnType } from '../core/table-spec.js'
import type { Generator, GeneratorSpec, ScenarioColumn } from './scenario.js'
import { isDateOnly, parseInstant } from './timestamps.js'

/** What kind of value a generator makes, as far as a column type cares. */
type Shape =
  'integer' | 'decimal' | 'text' | 'timestamp' | 'date' | 'uuid' | 'boolean' | 'bytes' | 'array' | 'json'

/** The shapes each column type takes; text takes anything that prints as text. */
const ACCEPTS: Readonly<Record<ColumnType, readonly Shape[]>> = {
  integer: ['integer'],
  bigint: ['integer'],
  numeric: ['integer', 'decimal'],
  double: ['integer', 'decimal'],
  boolean: ['boolean'],
  uuid: ['uuid'],
  // A timestamp is cut to its date; a date is not stretched to a timestamp (each database would pad it its own way).
  date: ['date', 'timestamp'],
  timestamp: ['timestamp'],
  timestamptz: ['timestamp'],
  // Labels only: `choice` or `constant`, checked value by value.
  enum: [],
  array: ['array'],
  bytes: ['bytes'],
  json: ['json'],
  varchar: ['integer', 'decimal', 'text', 'timestamp', 'date', 'uuid', 'boolean', 'json'],
  text: ['integer', 'decimal', 'text', 'timestamp', 'date', 'uuid', 'boolean', 'json'],
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/

/** The shape of a generator's values, or undefined where it depends on the values (or on other tables). */
function shapeOf(spec: GeneratorSpec): Shape | undefined {
  switch (spec.kind) {
    case 'sequence':
    case 'int':
      return 'integer'
    case 'number':
      return 'decimal'
    case 'text':
    case 'faker':
    case 'pattern':
      return 'text'
    case 'timestamp':
      return 'timestamp'
    case 'uuid':
    case 'boolean':
    case 'bytes':
    case 'array':
    case 'json':
      return spec.kind
    case 'histogram':
      if (spec.bounds.every((b) => typeof b === 'number'))
        return spec.bounds.every((b) => Number.isInteger(b)) ? 'integer' : 'decimal'
      return spec.bounds.every((b) => typeof b === 'string' && isDateOnly(b)) ? 'date' : 'timestamp'
    default:
      // `parent` makes whatever the parent's key is; `choice` and `constant` are checked by value.
      return undefined
  }
}

/** Whether a literal (`choice`, `constant`) can be stored in a column of this type as every database does. */
function literalFits(value: CellValue, column: Pick<ScenarioColumn, 'type' | 'values'>): boolean {
  if (value === null) return true
  switch (column.type) {
    case 'integer':
    case 'bigint':
      return Number.isInteger(value)
    case 'numeric':
    case 'double':
      return typeof value === 'number'
    case 'boolean':
      return value === 0 || value === 1
    case 'uuid':
      return typeof value === 'string' && UUID.test(value)
    case 'date':
      return typeof value === 'string' && isDateOnly(value)
    case 'timestamp':
    case 'timestamptz':
      return typeof value === 'string' && TIMESTAMP.test(value)
    case 'enum':
      return typeof value === 'string' && (column.values ?? []).includes(value)
    case 'bytes':
      return typeof value === 'string' && /^([0-9a-f]{2})*$/i.test(value)
    case 'array':
      return typeof value === 'string' && isJsonArray(value)
    default:
      return true
  }
}

function isJsonArray(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text))
  } catch {
    return false
  }
}

const describe = (column: Pick<ScenarioColumn, 'type' | 'values'>): string =>
  column.type === 'enum'
    ? `enum column (labels ${(column.values ?? []).join(', ')})`
    : `${column.type} column`

/** Whether a generator's values fit a column of this type; one line per problem. */
function fitProblems(
  spec: GeneratorSpec,
  column: Pick<ScenarioColumn, 'type' | 'values' | 'element'>,
  at: string,
): string[] {
  if (spec.kind === 'choice')
    return spec.values.flatMap((v, i) =>
      literalFits(v, column)
        ? []
        : [`${at}.values[${i}]: ${JSON.stringify(v)} does not fit a ${describe(column)}`],
    )
  if (spec.kind === 'constant')
    return literalFits(spec.value, column)
      ? []
      : [`${at}.value: ${JSON.stringify(spec.value)} does not fit a ${describe(column)}`]
  const shape = shapeOf(spec)
  if (shape !== undefined && !ACCEPTS[column.type].includes(shape))
    return [`${at}: a ${spec.kind} generator does not fit a ${describe(column)}`]
  if (spec.kind === 'array' && column.type === 'array')
    return fitProblems(spec.of, { type: column.element ?? 'text' }, `${at}.of`)
  return []
}

/** A generator's own settings that a schema cannot check (ranges the right way round, bounds that parse). */
function settingProblems(spec: GeneratorSpec, at: string): string[] {
  const range = (min: number, max: number, what: string) =>
    min <= max ? [] : [`${at}: ${what} ${min} is above ${max}`]
  switch (spec.kind) {
    case 'text':
      return [
        ...range(spec.minLength, spec.maxLength, 'minLength'),
        ...(spec.unique && spec.distinct !== undefined
          ? [`${at}: unique and distinct exclude each other`]
          : []),
      ]
    case 'number':
      return range(spec.min, spec.max, 'min')
    case 'bytes':
      return range(spec.minLength, spec.maxLength, 'minLength')
    case 'array':
      return [...range(spec.minLength, spec.maxLength, 'minLength'), ...settingProblems(spec.of, `${at}.of`)]
    case 'json':
      return Object.entries(spec.fields).flatMap(([name, field]) =>
        settingProblems(field, `${at}.fields.${name}`),
      )
    case 'histogram':
      return histogramProblems(spec.bounds, at)
    default:
      return []
  }
}

function histogramProblems(bounds: readonly (number | string)[], at: string): string[] {
  const numbers = bounds.every((b) => typeof b === 'number')
  const values = numbers
    ? (bounds as number[])
    : bounds.map((b) => (typeof b === 'string' ? parseInstant(b) : undefined))
  const bad = values.findIndex((v) => v === undefined)
  if (bad !== -1)
    return [
      `${at}.bounds[${bad}]: ${JSON.stringify(bounds[bad])} is not a number, ISO date or timestamp like the others`,
    ]
  const descending = values.findIndex((v, i) => i > 0 && (v as number) < (values[i - 1] as number))
  return descending === -1 ? [] : [`${at}.bounds[${descending}]: bounds must be ascending`]
}

/**
 * A column's own declarations: the settings its type needs and only those, a null fraction only where
 * nulls may go, and a generator whose values fit the type. One line per problem, with its path.
 */
export function columnProblems(column: ScenarioColumn, at: string): string[] {
  const problems: string[] = []
  const only = (field: keyof ScenarioColumn, type: ColumnType) => {
    if (column[field] !== undefined && column.type !== type)
      problems.push(`${at}.${field}: only a ${type} column has ${field}`)
  }
  only('precision', 'numeric')
  only('scale', 'numeric')
  only('values', 'enum')
  only('element', 'array')
  if (column.type === 'enum' && column.values === undefined)
    problems.push(`${at}.values: an enum column needs its labels`)
  // MySQL's ENUM compares labels in the column's collation (case-insensitive) and drops trailing spaces.
  if (column.values && new Set(column.values.map((v) => v.toLowerCase())).size !== column.values.length)
    problems.push(`${at}.values: labels must differ, ignoring case`)
  const spaced = column.values?.findIndex((label) => label.endsWith(' ')) ?? -1
  if (spaced !== -1) problems.push(`${at}.values[${spaced}]: a label may not end with a space`)
  // PostgreSQL's limit (NAMEDATALEN - 1 bytes); MySQL's is wider.
  const long = column.values?.findIndex((label) => Buffer.byteLength(label) > 63) ?? -1
  if (long !== -1) problems.push(`${at}.values[${long}]: a label may be at most 63 bytes`)
  if (column.type === 'array' && column.element === undefined)
    problems.push(`${at}.element: an array column needs its element type`)
  if ((column.scale ?? 0) > (column.precision ?? 18))
    problems.push(`${at}.scale: ${column.scale} is above the precision ${column.precision ?? 18}`)
  if (column.nullFraction !== undefined && column.nullFraction > 0 && !column.nullable)
    problems.push(`${at}.nullFraction: ${column.name} is not nullable`)
  // A type missing what it needs would fail every value for the wrong reason.
  if (problems.length > 0) return problems
  return generatorFitProblems(column.generate, column, `${at}.generate`)
}

function generatorFitProblems(generator: Generator, column: ScenarioColumn, at: string): string[] {
  if (typeof generator === 'function') return []
  return [...settingProblems(generator, at), ...fitProblems(generator, column, at)]
}
