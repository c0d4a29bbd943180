import type { CellValue } from '../core/table-spec.js'
import type { Generator, GeneratorSpec, RowContext } from '../scenarios/scenario.js'
import { DAY_MS, formatTimestamp } from '../scenarios/timestamps.js'
import {
  compileArray,
  compileBoolean,
  compileBytes,
  compileHistogram,
  compileInt,
  compileNumber,
  compileText,
  compileUuid,
} from './shape-generators.js'

export type ValueFunction = (row: RowContext) => CellValue

/** Turns a column's generator into a function of the row; declarative specs are compiled once. */
export function compileGenerator(generator: Generator): ValueFunction {
  return typeof generator === 'function' ? generator : compileSpec(generator)
}

function compileSpec(spec: GeneratorSpec): ValueFunction {
  switch (spec.kind) {
    case 'sequence': {
      const start = spec.start ?? 1
      return (row) => start + row.index
    }
    case 'int':
      return compileInt(spec)
    case 'choice': {
      const { values, weights } = spec
      if (!weights) return (row) => row.random.pick(values)
      const total = weights.reduce((a, b) => a + b, 0)
      let sum = 0
      const cumulative = weights.map((w) => (sum += w / total))
      return (row) => {
        const x = row.random.float()
        const i = cumulative.findIndex((c) => x < c)
        return values[i === -1 ? values.length - 1 : i] as CellValue
      }
    }
    case 'faker': {
      // The pool is looked up once, not per row.
      let pool: readonly string[] | undefined
      return (row) => row.random.pick((pool ??= row.pool(spec.method, spec.poolSize)))
    }
    case 'timestamp': {
      const from = spec.fromDays * DAY_MS
      const span = Math.max(0, Math.floor(((spec.toDays - spec.fromDays) * DAY_MS) / 1000))
      return (row) => formatTimestamp(row.referenceMs + from + row.random.int(0, span) * 1000)
    }
    case 'parent': {
      const distribution = spec.distribution ?? 'block'
      return (row) => {
        const parents = row.counts[spec.table] ?? 0
        if (distribution === 'uniform') return row.random.int(1, parents)
        const per = spec.per ?? Math.max(1, Math.ceil(row.count / parents))
        return Math.min(parents, Math.floor(row.index / per) + 1)
      }
    }
    case 'pattern':
      return compilePattern(spec.pattern)
    case 'json': {
      // Built as text with the keys encoded once: a JSON.stringify of an object per row is 3× slower.
      const fields = Object.entries(spec.fields).map(([name, field], i) => ({
        prefix: (i === 0 ? '{' : ',') + JSON.stringify(name) + ':',
        fn: compileSpec(field),
      }))
      return (row) => {
        let out = ''
        for (const field of fields) out += field.prefix + JSON.stringify(field.fn(row))
        return out + '}'
      }
    }
    case 'constant':
      return () => spec.value
    case 'text':
      return compileText(spec)
    case 'number':
      return compileNumber(spec)
    case 'uuid':
      return compileUuid()
    case 'boolean':
      return compileBoolean(spec)
    case 'bytes':
      return compileBytes(spec)
    case 'array':
      return compileArray(spec, compileSpec(spec.of))
    case 'histogram':
      return compileHistogram(spec)
  }
}

/** `#` runs become random digits, drawn up to nine at a time (one random number per run, not per digit). */
function compilePattern(pattern: string): ValueFunction {
  const parts = pattern.split(/(#+)/).filter((p) => p !== '')
  const pieces = parts.flatMap((part) => {
    if (!part.startsWith('#')) return [{ literal: part, digits: 0 }]
    const runs: { literal: string; digits: number }[] = []
    for (let left = part.length; left > 0; left -= 9) runs.push({ literal: '', digits: Math.min(9, left) })
    return runs
  })
  return (row) => {
    let out = ''
    for (const piece of pieces) {
      out +=
        piece.digits === 0
          ? piece.literal
          : String(row.random.int(0, 10 ** piece.digits - 1)).padStart(piece.digits, '0')
    }
    return out
  }
}
