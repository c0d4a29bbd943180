import { DelbenchError } from '../core/errors.js'

/**
 * Words that make a `--where` more than a predicate. The predicate runs inside a read-only transaction
 * anyway; refusing them first gives a clear message instead of a database error, and keeps the
 * recorded predicate something every target database can run.
 */
const FORBIDDEN_WORDS = [
  'insert',
  'update',
  'delete',
  'merge',
  'drop',
  'alter',
  'create',
  'truncate',
  'grant',
  'revoke',
  'copy',
  'call',
  'execute',
  'set',
  'lock',
  'vacuum',
  'analyze',
  'pragma',
  'attach',
  'detach',
  'into',
  'union',
  'select',
  'load',
  'handler',
]

/**
 * Checks that `where` is a single predicate with literal values, and returns it trimmed. Refuses
 * statement separators, comments, unbalanced quotes or parentheses and statement keywords (outside
 * string literals), in one line naming what was wrong.
 */
export function checkTargetPredicate(table: string, where: string): string {
  const predicate = where.trim()
  const refuse = (why: string): never => {
    throw new DelbenchError(
      `--where for '${table}' ${why}: give one predicate on its columns, e.g. "created_at < '2024-01-01'"`,
    )
  }
  if (predicate === '') refuse('is empty')
  const outsideStrings = stripStringLiterals(predicate)
  if (outsideStrings === undefined) refuse('has an unterminated string literal')
  const code = outsideStrings as string
  if (code.includes(';')) refuse("contains ';'")
  if (code.includes('--') || code.includes('/*')) refuse('contains a comment')
  if (!balancedParentheses(code)) refuse('has unbalanced parentheses')
  const word = FORBIDDEN_WORDS.find((w) => new RegExp(`\\b${w}\\b`, 'i').test(code))
  if (word !== undefined) refuse(`contains '${word.toUpperCase()}', which is not part of a predicate`)
  return predicate
}

/** The text with every '...' literal blanked (quotes kept), or undefined when one is not closed. */
function stripStringLiterals(text: string): string | undefined {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string
    if (!inString) {
      out += ch
      if (ch === "'") inString = true
      continue
    }
    if (ch === '\\') {
      i++
      continue
    }
    if (ch === "'") {
      // '' inside a literal is an escaped quote.
      if (text[i + 1] === "'") {
        i++
        continue
      }
      inString = false
      out += ch
    }
  }
  return inString ? undefined : out
}

function balancedParentheses(code: string): boolean {
  let depth = 0
  for (const ch of code) {
    if (ch === '(') depth++
    if (ch === ')' && --depth < 0) return false
  }
  return depth === 0
}
