import type { SqlAdapter } from './dialect.js'
import type { CellValue } from '../core/table-spec.js'

/**
 * Rewrites portable SQL written with `?` placeholders into the dialect's own (`$1, $2, ...` on
 * PostgreSQL). Question marks inside string literals and quoted identifiers are left alone.
 */
export function bindPlaceholders(sql: string, adapter: SqlAdapter): string {
  if (adapter.placeholder(1) === '?') return sql
  let bound = cache.get(sql)
  if (bound === undefined) {
    bound = rewrite(sql, adapter)
    if (cache.size >= CACHE_SIZE) cache.clear()
    cache.set(sql, bound)
  }
  return bound
}

/** Strategies send the same statement texts again and again: rewrite each once. */
const CACHE_SIZE = 1000
const cache = new Map<string, string>()

function rewrite(sql: string, adapter: SqlAdapter): string {
  return replacePlaceholders(sql, (index) => adapter.placeholder(index))
}

/** `sql` with each `?` outside literals and quoted identifiers replaced by `by(n)`, counting from 1. */
function replacePlaceholders(sql: string, by: (index: number) => string): string {
  let index = 0
  let out = ''
  let quote: string | undefined
  for (const c of sql) {
    if (quote) {
      if (c === quote) quote = undefined
      out += c
    } else if (c === "'" || c === '"' || c === '`') {
      quote = c
      out += c
    } else if (c === '?') {
      out += by(++index)
    } else {
      out += c
    }
  }
  return out
}

/**
 * Portable SQL with its `?` parameters written in as the dialect's literals, for a client that takes
 * SQL text only (pt-archiver's `--where`). Undefined where the dialect writes no literals.
 */
export function inlineParameters(
  sql: string,
  params: readonly CellValue[],
  adapter: SqlAdapter,
): string | undefined {
  const literal = adapter.literal
  if (!literal) return undefined
  let used = 0
  const out = replacePlaceholders(sql, (index) => {
    used = index
    if (index > params.length)
      throw new Error(`statement has more placeholders than its ${params.length} parameters`)
    return literal(params[index - 1] ?? null)
  })
  if (used !== params.length)
    throw new Error(`statement has ${used} placeholders for ${params.length} parameters`)
  return out
}
