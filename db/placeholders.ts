import type { SqlAdapter } from './dialect.js'

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
      out += adapter.placeholder(++index)
    } else {
      out += c
    }
  }
  return out
}
