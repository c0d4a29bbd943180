import type { CellValue } from '../core/table-spec.js'
import type { GeneratorSpec, RowContext } from '../scenarios/scenario.js'
import { DAY_MS, formatTimestamp, isDateOnly, parseInstant } from '../scenarios/timestamps.js'
import { mix32, uuidAt } from './hash.js'

/**
 * The generators `delbench import` chooses from what statistics measure: lengths, ranges, distinct
 * counts, true fractions, histogram buckets. Each value depends only on the row and the column's seed.
 */

type ValueFunction = (row: RowContext) => CellValue
type Spec<K extends GeneratorSpec['kind']> = Extract<GeneratorSpec, { kind: K }>

/**
 * How many distinct values a `distinct` count given at scale 1 becomes at this scale. A count that is
 * a large share of the rows (10% or more, where PostgreSQL's `n_distinct` turns into a fraction of the
 * rows) grows and shrinks with the table, as ids and names do; a smaller one (statuses, countries)
 * stays the same at every scale.
 */
export function scaledDistinct(distinct: number, row: RowContext): number {
  const base = row.baseCount ?? row.count
  if (base <= 0 || distinct < 0.1 * base) return distinct
  return Math.max(1, Math.round((distinct * row.count) / base))
}

/** Which of `distinct` values (0-based) a row takes: drawn uniformly from its stream. */
function pickDistinct(distinct: number, row: RowContext): number {
  return row.random.int(0, scaledDistinct(distinct, row) - 1)
}

export function compileInt(spec: Spec<'int'>): ValueFunction {
  const { min, max, distinct } = spec
  if (distinct === undefined) return (row) => row.random.int(min, max)
  const span = max - min + 1
  // The k-th of d values spread evenly over the range: all different while d is no more than the span.
  return (row) => {
    const d = Math.min(span, scaledDistinct(distinct, row))
    return min + Math.floor(row.random.int(0, d - 1) * (span / d))
  }
}

function roundTo(value: number, scale: number): number {
  const factor = 10 ** scale
  return Math.round(value * factor) / factor
}

export function compileNumber(spec: Spec<'number'>): ValueFunction {
  const { min, max, scale, distinct } = spec
  const round = scale === undefined ? (x: number) => x : (x: number) => roundTo(x, scale)
  if (distinct === undefined) return (row) => round(min + row.random.float() * (max - min))
  return (row) => {
    const d = scaledDistinct(distinct, row)
    return round(min + ((row.random.int(0, d - 1) + 0.5) * (max - min)) / d)
  }
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'
/** Letters per 32-bit draw: 26^6 < 2^32, so one number gives six letters. */
const LETTERS_PER_DRAW = 6

/** `length` letters from a source of 32-bit numbers. */
function letters(length: number, next: () => number): string {
  let out = ''
  while (out.length < length) {
    let n = next()
    for (let i = 0; i < LETTERS_PER_DRAW && out.length < length; i++) {
      out += LETTERS[n % 26]
      n = Math.floor(n / 26)
    }
  }
  return out
}

/** The row number in base-26 letters, `width` of them: distinct rows, distinct suffixes. */
function indexLetters(index: number, width: number): string {
  let out = ''
  for (let n = index, i = 0; i < width; i++, n = Math.floor(n / 26)) out = LETTERS[n % 26] + out
  return out
}

export function compileText(spec: Spec<'text'>): ValueFunction {
  const { minLength, maxLength, distinct, unique } = spec
  if (unique) {
    // Hashed from the row index and the column's seed, not drawn: a referenced key must be computable
    // from the index alone (a child finds its parent's key that way).
    return (row) => {
      const width = Math.max(1, Math.ceil(Math.log(Math.max(2, row.count)) / Math.log(26)))
      let h = mix32(mix32(row.index) ^ row.seed)
      const length = minLength + (h % (maxLength - minLength + 1))
      const prefix = letters(Math.max(0, length - width), () => (h = mix32(h + 0x9e3779b9)))
      return prefix + indexLetters(row.index, width)
    }
  }
  if (distinct === undefined) {
    return (row) => letters(row.random.int(minLength, maxLength), () => row.random.int(0, 0xffffffff))
  }
  // The k-th value is hashed from k and the column's seed: no pool held in memory, however many values.
  return (row) => {
    const k = pickDistinct(distinct, row)
    let h = mix32(k ^ row.seed)
    const length = minLength + (h % (maxLength - minLength + 1))
    return letters(length, () => (h = mix32(h + 0x9e3779b9)))
  }
}

export function compileUuid(): ValueFunction {
  return (row) => uuidAt(row.seed, row.index)
}

export function compileBoolean(spec: Spec<'boolean'>): ValueFunction {
  return (row) => (row.random.float() < spec.trueFraction ? 1 : 0)
}

/** Lower-case hex of random bytes, three bytes per draw. */
export function compileBytes(spec: Spec<'bytes'>): ValueFunction {
  return (row) => {
    const digits = 2 * row.random.int(spec.minLength, spec.maxLength)
    let out = ''
    while (out.length < digits) out += row.random.int(0, 0xffffff).toString(16).padStart(6, '0')
    return out.slice(0, digits)
  }
}

/**
 * JSON text of the element generator's values. Element j of row i is generated as row
 * `i * maxLength + j`, so index-only generators (`uuid`, `sequence`) give each element its own value.
 */
export function compileArray(spec: Spec<'array'>, element: ValueFunction): ValueFunction {
  const stride = Math.max(1, spec.maxLength)
  return (row) => {
    const length = row.random.int(spec.minLength, spec.maxLength)
    const at = Object.create(row) as { index: number } & RowContext
    const values: CellValue[] = new Array(length)
    for (let j = 0; j < length; j++) {
      at.index = row.index * stride + j
      values[j] = element(at)
    }
    return JSON.stringify(values)
  }
}

export function compileHistogram(spec: Spec<'histogram'>): ValueFunction {
  const buckets = spec.bounds.length - 1
  const bucket = (row: RowContext) => row.random.int(0, buckets - 1)
  if (spec.bounds.every((b) => typeof b === 'number')) {
    const bounds = spec.bounds as readonly number[]
    if (bounds.every(Number.isInteger))
      return (row) => {
        const i = bucket(row)
        return row.random.int(bounds[i] as number, bounds[i + 1] as number)
      }
    return (row) => {
      const i = bucket(row)
      const low = bounds[i] as number
      return low + row.random.float() * ((bounds[i + 1] as number) - low)
    }
  }
  // Dates and timestamps (validation has checked every bound parses).
  const texts = spec.bounds.map(String)
  const ms = texts.map((t) => parseInstant(t) ?? 0)
  if (texts.every(isDateOnly)) {
    const days = ms.map((m) => Math.round(m / DAY_MS))
    return (row) => {
      const i = bucket(row)
      return formatTimestamp(row.random.int(days[i] as number, days[i + 1] as number) * DAY_MS).slice(0, 10)
    }
  }
  const seconds = ms.map((m) => Math.floor(m / 1000))
  return (row) => {
    const i = bucket(row)
    return formatTimestamp(row.random.int(seconds[i] as number, seconds[i + 1] as number) * 1000)
  }
}
