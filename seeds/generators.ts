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

/** A referenced key column's value at a parent row index (see `parent-keys.ts`). */
export type KeyAt = (parentIndex: number) => CellValue

type ParentSpec = Extract<GeneratorSpec, { kind: 'parent' }>

/** What compiling a column's generator may know about the column's table and its parents. */
export interface GeneratorOptions {
  /** The parent row's key value for a `parent` generator; without it, `parentIndex + 1` (a sequence from 1). */
  readonly parentKey?: (spec: ParentSpec) => KeyAt
  /** The table the column belongs to: a `parent` generator naming it builds a tree. */
  readonly table?: string
}

/** Turns a column's generator into a function of the row; declarative specs are compiled once. */
export function compileGenerator(generator: Generator, options: GeneratorOptions = {}): ValueFunction {
  return typeof generator === 'function' ? generator : compileSpec(generator, options)
}

/**
 * The parent row (0-based index) of row `index` of `count` rows under the block rule: `per` consecutive
 * rows share a parent (by default the rows spread evenly over the parents), the last parent takes any
 * rows left over.
 */
export function blockParent(index: number, count: number, parents: number, per: number | undefined): number {
  const size = per ?? Math.max(1, Math.ceil(count / parents))
  return Math.min(parents - 1, Math.floor(index / size))
}

/** Roots of a tree of `count` rows: a share `roots` (default 0.1) of them, at least one. */
export function treeRoots(count: number, roots: number | undefined): number {
  return Math.min(count, Math.max(1, Math.round((roots ?? 0.1) * count)))
}

/**
 * A self-referencing parent (a tree): rows `0…R-1` are roots (NULL); row i ≥ R takes an earlier row as
 * its parent, so the tree is acyclic and loads in row order. `block`: row i's parent is row
 * ⌊(i − R) / per⌋ (per defaults to spreading the non-roots evenly over the roots), so every inner row
 * has `per` children and level k holds R·per^k rows; `uniform`: a random earlier row (a random recursive
 * tree, depth about ln n).
 */
function treeParent(spec: ParentSpec, key: KeyAt): ValueFunction {
  return (row) => {
    const roots = treeRoots(row.count, spec.roots)
    if (row.index < roots) return null
    if (spec.distribution === 'uniform') return key(row.random.int(0, row.index - 1))
    const per = spec.per ?? Math.max(1, Math.ceil((row.count - roots) / roots))
    return key(Math.floor((row.index - roots) / per))
  }
}

function compileSpec(spec: GeneratorSpec, options: GeneratorOptions): ValueFunction {
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
      const key: KeyAt = options.parentKey?.(spec) ?? ((parentIndex) => parentIndex + 1)
      if (spec.table === options.table) return treeParent(spec, key)
      const distribution = spec.distribution ?? 'block'
      return (row) => {
        const parents = row.counts[spec.table] ?? 0
        if (distribution === 'uniform') return key(row.random.int(1, parents) - 1)
        return key(blockParent(row.index, row.count, parents, spec.per))
      }
    }
    case 'nth-child': {
      const start = spec.start ?? 1
      return (row) => {
        const parents = row.counts[spec.table] ?? 0
        const parent = blockParent(row.index, row.count, parents, spec.per)
        const size = spec.per ?? Math.max(1, Math.ceil(row.count / parents))
        return start + row.index - parent * size
      }
    }
    case 'pattern':
      return compilePattern(spec.pattern)
    case 'json': {
      // Built as text with the keys encoded once: a JSON.stringify of an object per row is 3× slower.
      const fields = Object.entries(spec.fields).map(([name, field], i) => ({
        prefix: (i === 0 ? '{' : ',') + JSON.stringify(name) + ':',
        fn: compileSpec(field, options),
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
      return compileArray(spec, compileSpec(spec.of, options))
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
