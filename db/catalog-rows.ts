import type { Row } from './connection.js'

/**
 * Small shapers the three catalog readers share, turning catalog rows into the model's lists.
 */

/** Rows grouped by their `t` column (the table they describe), in the order they came. */
export function groupByTable(rows: readonly Row[]): Map<string, Row[]> {
  const out = new Map<string, Row[]>()
  for (const row of rows) {
    const table = String(row.t)
    const list = out.get(table)
    if (list) list.push(row)
    else out.set(table, [row])
  }
  return out
}

export function numberOr(value: unknown, fallback: number): number {
  if (value === null || value === undefined) return fallback
  const n = Number(value)
  return Number.isFinite(n) ? n : fallback
}

/**
 * One index as every reader describes it: its key columns in order (null where a key is an
 * expression), and whether it is the primary key, unique or partial.
 */
export interface IndexRow {
  readonly name: string
  readonly isPrimary: boolean
  readonly isUnique: boolean
  readonly partial: boolean
  readonly columns: readonly (string | null)[]
}

export interface KeyLists {
  readonly primaryKey: string[]
  readonly uniques: string[][]
  readonly indexes: string[][]
  readonly notes: string[]
}

/** A table's indexes sorted into primary key, unique keys and plain indexes, with what was left out. */
export function keyLists(indexes: readonly IndexRow[]): KeyLists {
  const out: KeyLists = { primaryKey: [], uniques: [], indexes: [], notes: [] }
  const seen = new Set<string>()
  for (const index of indexes) {
    const columns = index.columns.filter((c): c is string => c !== null)
    if (columns.length !== index.columns.length || columns.length === 0) {
      out.notes.push(`index ${index.name} is on an expression: left out`)
      continue
    }
    if (index.isPrimary) {
      out.primaryKey.push(...columns)
      continue
    }
    if (index.partial) {
      out.notes.push(`index ${index.name} is partial (has a WHERE): left out`)
      continue
    }
    const key = `${index.isUnique}:${columns.join('\u0000')}`
    if (seen.has(key)) continue
    seen.add(key)
    ;(index.isUnique ? out.uniques : out.indexes).push(columns)
  }
  return out
}

/** The single-quoted SQL literals in a list such as `enum('a','it''s')` or `IN ('a', 'b')`, unquoted. */
export function quotedLabels(list: string): string[] {
  return [...list.matchAll(/'((?:[^']|'')*)'/g)].map((m) => (m[1] ?? '').replace(/''/g, "'"))
}
