/**
 * Mutated input for the readers' fuzz tests: a valid document with a few values replaced (wrong types,
 * huge numbers, deep nesting, long strings) or removed, and text cut short.
 */
import fc from 'fast-check'

type Json = unknown

/** Nested arrays `depth` deep: what a recursive reader must not overflow on. */
export function deepNesting(depth: number): Json {
  let value: Json = 1
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value }
  return value
}

/** The JSON text of objects and arrays nested `depth` deep (built as text: too deep for JSON.stringify). */
export function deepNestingText(depth: number, inner = '1'): string {
  return `${'{"a":['.repeat(depth)}${inner}${']}'.repeat(depth)}`
}

/** Values that break readers: wrong types, numbers at and past the limits, deep nesting, long text. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<Json>(
    1e308,
    -1e308,
    Infinity,
    2 ** 53 + 1,
    2 ** 31,
    -1,
    0,
    0.5,
    '',
    null,
    true,
    [],
    {},
    'x'.repeat(100_000),
    '\u0000\n\r"\'`;--',
    // Deeper than any reader accepts; the files 20,000 deep are written as text (deepNestingText).
    deepNesting(500),
  ),
)

/** Every path in a JSON document, as keys from its root. */
function paths(
  value: Json,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (value !== null && typeof value === 'object' && prefix.length < 12) {
    for (const [k, v] of Object.entries(value as Record<string, Json>)) {
      const key = Array.isArray(value) ? Number(k) : k
      out.push([...prefix, key])
      paths(v, [...prefix, key], out)
    }
  }
  return out
}

/** `doc` with the value at `path` replaced by `value`, or removed where `value` is undefined. */
function replaced(doc: Json, path: readonly (string | number)[], value: Json | undefined): Json {
  const [head, ...rest] = path
  if (head === undefined) return value
  if (Array.isArray(doc)) {
    const copy = [...(doc as Json[])]
    if (rest.length === 0 && value === undefined) copy.splice(Number(head), 1)
    else copy[Number(head)] = replaced(copy[Number(head)], rest, value)
    return copy
  }
  const entries = Object.entries(doc as Record<string, Json>)
  // Removed: the key left out; replaced: its value mutated further down the path.
  return Object.fromEntries(
    entries.flatMap(([k, v]) =>
      k !== head ? [[k, v]] : rest.length === 0 && value === undefined ? [] : [[k, replaced(v, rest, value)]],
    ),
  )
}

/** A mutation: which path (an index into the document's paths), and its new value or removal. */
const mutation = fc.record({ at: fc.nat(), value: fc.option(hostileValue, { nil: undefined, freq: 3 }) })

/** Documents of `valid` with one to four values replaced or removed. */
export function mutatedDocument(valid: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
  return fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([doc, mutations]) =>
    mutations.reduce((current, { at, value }) => {
      const all = paths(current)
      const path = all[at % Math.max(1, all.length)]
      return path ? replaced(current, path, value) : current
    }, doc),
  )
}

/** A document's text cut short, or with a stretch of it garbled. */
export function damagedText(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(text, fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), fc.string())
    .map(([t, where, cut, junk]) => {
      const at = Math.floor(t.length * where)
      return cut ? t.slice(0, at) : t.slice(0, at) + junk + t.slice(at + junk.length)
    })
}
