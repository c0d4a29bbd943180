/** The kinds a statement is counted under: every run records one counter per kind. */
export const STATEMENT_KINDS = [
  'select',
  'insert',
  'update',
  'delete',
  'begin',
  'commit',
  'rollback',
  'other',
] as const
export type StatementKind = (typeof STATEMENT_KINDS)[number]

const VERB_KINDS: Readonly<Record<string, StatementKind>> = {
  SELECT: 'select',
  VALUES: 'select',
  TABLE: 'select',
  INSERT: 'insert',
  REPLACE: 'insert',
  COPY: 'insert',
  LOAD: 'insert',
  UPDATE: 'update',
  DELETE: 'delete',
  BEGIN: 'begin',
  START: 'begin',
  COMMIT: 'commit',
  END: 'commit',
  ROLLBACK: 'rollback',
}

/**
 * Classifies one SQL statement by its main verb. Leading comments and parentheses are skipped, and a
 * `WITH` clause is looked through to the statement it prefixes (`WITH x AS (...) DELETE ...` is a delete).
 * `ROLLBACK TO SAVEPOINT` is not a transaction end, so it counts as `other`; `COPY ... TO` reads.
 */
export function classifyStatement(sql: string): StatementKind {
  // Statements repeat (a loop sends the same text thousands of times): classify each text once.
  let kind = cache.get(sql)
  if (kind === undefined) {
    kind = classify(sql)
    if (cache.size >= CACHE_SIZE) cache.clear()
    cache.set(sql, kind)
  }
  return kind
}

const CACHE_SIZE = 1000
const cache = new Map<string, StatementKind>()

function classify(sql: string): StatementKind {
  const { words, firstWord, startsWithParen } = scanWords(sql)
  // `(SELECT ...) UNION (...)`: the verb sits inside the leading parenthesis.
  let first = startsWithParen ? firstWord : words[0]
  if (first === 'WITH') first = words.slice(1).find((w) => w in VERB_KINDS && w !== 'VALUES' && w !== 'TABLE')
  if (first === undefined) return 'other'
  const kind = VERB_KINDS[first] ?? 'other'
  if (first === 'START' && words[1] !== 'TRANSACTION') return 'other'
  if (first === 'ROLLBACK' && words.slice(1, 4).includes('TO')) return 'other'
  if (first === 'COPY' && words.includes('TO')) return 'select'
  return kind
}

/**
 * Upper-cased words outside comments, string literals, quoted identifiers and parentheses; also the
 * first word at any depth, and whether a parenthesis came before it.
 */
function scanWords(sql: string): {
  words: string[]
  firstWord: string | undefined
  startsWithParen: boolean
} {
  const words: string[] = []
  let firstWord: string | undefined
  let startsWithParen = false
  let depth = 0
  let i = 0
  const n = sql.length
  while (i < n) {
    const c = sql[i] as string
    const next = sql[i + 1]
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? n : end + 1
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end === -1 ? n : end + 2
    } else if (c === "'" || c === '"' || c === '`') {
      const end = sql.indexOf(c, i + 1)
      i = end === -1 ? n : end + 1
    } else if (c === '(') {
      if (firstWord === undefined) startsWithParen = true
      depth++
      i++
    } else if (c === ')') {
      depth = Math.max(0, depth - 1)
      i++
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j] as string)) j++
      const word = sql.slice(i, j).toUpperCase()
      firstWord ??= word
      if (depth === 0) words.push(word)
      i = j
      // Only WITH needs the words after the first (and START, ROLLBACK, COPY the next few).
      if (words.length >= 4 && words[0] !== 'WITH' && !startsWithParen) break
    } else {
      i++
    }
  }
  return { words, firstWord, startsWithParen }
}
