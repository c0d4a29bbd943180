/**
 * A statement's template: its text with the values taken out, so the thousand `DELETE ... WHERE id = ?`
 * of a per-row loop, or `IN` lists of different lengths, are one line of a profile (after
 * pt-query-digest's fingerprints). Only values change: identifiers, keywords and their case are kept,
 * so a template is the same on every run and machine and can be compared.
 */
export function fingerprint(sql: string): string {
  // A loop sends the same text thousands of times (values travel as parameters): fingerprint it once.
  let template = cache.get(sql)
  if (template === undefined) {
    template = collapse(sql)
    if (cache.size >= CACHE_SIZE) cache.clear()
    cache.set(sql, template)
  }
  return template
}

const CACHE_SIZE = 1000
const cache = new Map<string, string>()

/**
 * Comments, quoted identifiers (kept whole), string literals, numbered placeholders and numbers not
 * part of a name, in one pass so a digit inside `"col 3"` is never taken for a value.
 */
const TOKENS =
  /--[^\n]*|\/\*[\s\S]*?\*\/|("(?:[^"]|"")*"|`[^`]*`)|'(?:[^']|'')*'|\$\d+|(?<![\w$.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w$])/gi

function collapse(sql: string): string {
  return (
    sql
      .replace(TOKENS, (token: string, quoted: string | undefined) =>
        quoted !== undefined ? quoted : token.startsWith('--') || token.startsWith('/*') ? ' ' : '?',
      )
      .replace(/\s+/g, ' ')
      // A list of values (an IN list, a row of VALUES) is one value, whatever its length...
      .replace(/\(\s*\?(?:\s*,\s*\?)*\s*\)/g, '(?+)')
      // ...and so are several rows of them.
      .replace(/\(\?\+\)(?:\s*,\s*\(\?\+\))+/g, '(?+)')
      .trim()
  )
}
