import { describe, expect, it } from 'vitest'
import { DelbenchError } from '../core/errors.js'
import { checkTargetPredicate } from '../db/catalog-predicate.js'
import { estimateDistinct, fanOutFromCounts, isoUtc, statsFromSample } from '../db/catalog-sample.js'
import { parsePostgresArray } from '../db/postgres/postgres-catalog-stats.js'
import { parseSourceLocation } from '../db/source-catalog.js'

describe('value shapes from a sample', () => {
  it('writes timestamps as ISO-8601 UTC, whatever offset the database printed', () => {
    expect(isoUtc('2024-01-01 10:00:00+00')).toBe('2024-01-01T10:00:00Z')
    expect(isoUtc('2024-01-01 10:00:00+02:00')).toBe('2024-01-01T08:00:00Z')
    expect(isoUtc('2024-01-01 10:00:00.25-0130')).toBe('2024-01-01T11:30:00.250Z')
    expect(isoUtc('2024-01-01T10:00:00Z')).toBe('2024-01-01T10:00:00Z')
    expect(isoUtc('2024-01-01 10:00:00')).toBe('2024-01-01T10:00:00Z')
    expect(isoUtc('not a time')).toBe('not a time')
  })

  it('scales distinct values from a sample: repeated values stay, singletons grow with the table', () => {
    // Every value seen 10 times in 1000 sampled rows: 100 values, however big the table.
    expect(estimateDistinct(Array(100).fill(10), 1000, 1_000_000)).toBe(100)
    // All values distinct: a unique column, as many values as rows.
    expect(estimateDistinct(Array(1000).fill(1), 1000, 50_000)).toBe(50_000)
    // The whole table sampled: exactly what was seen.
    expect(estimateDistinct([3, 1, 1], 5, 5)).toBe(3)
    expect(estimateDistinct([], 0, 100)).toBe(0)
  })

  it('computes null fraction, range, lengths and common values of the sampled values', () => {
    const values = ['b', 'a', 'a', null, 'ccc', 'a', null, 'b']
    const stats = statsFromSample(values, 'text', 8)
    expect(stats).toMatchObject({
      source: 'sample',
      nullFraction: 0.25,
      distinct: 3,
      min: 'a',
      max: 'ccc',
      minLength: 1,
      maxLength: 3,
      mostCommon: [
        { value: 'a', frequency: 3 / 8 },
        { value: 'b', frequency: 2 / 8 },
      ],
    })
    // Numbers sort as numbers, booleans read as true/false, bytes measure in bytes.
    expect(statsFromSample([9, 10, 100], 'integer', 3)).toMatchObject({ min: '9', max: '100' })
    expect(statsFromSample([1, 0, 0], 'boolean', 3)?.mostCommon).toEqual([
      { value: 'false', frequency: 2 / 3 },
    ])
    expect(statsFromSample([Buffer.alloc(4), Buffer.alloc(9)], 'bytes', 2)).toMatchObject({
      minLength: 4,
      maxLength: 9,
    })
    expect(statsFromSample([], 'text', 0)).toBeUndefined()
  })

  it('summarises fan-out: mean, spread, largest family and childless share', () => {
    expect(fanOutFromCounts([0, 2, 4, 2], 0.1)).toEqual({
      mean: 2,
      stddev: Math.sqrt(2),
      max: 4,
      childless: 0.25,
      nullShare: 0.1,
      sampled: 4,
    })
    expect(fanOutFromCounts([], 0)).toBeUndefined()
  })
})

describe('PostgreSQL array literals (anyarray statistics read as text)', () => {
  it('splits quoted, bare, NULL and nested elements', () => {
    expect(parsePostgresArray('{a,"b c","say \\"hi\\"",NULL}')).toEqual(['a', 'b c', 'say "hi"', null])
    expect(parsePostgresArray('{"{help}","{news,meta}",{}}')).toEqual(['{help}', '{news,meta}', '{}'])
    expect(parsePostgresArray('{}')).toEqual([])
  })
})

describe('the target predicate', () => {
  const refused = (where: string) => {
    try {
      checkTargetPredicate('orders', where)
    } catch (error) {
      expect(error).toBeInstanceOf(DelbenchError)
      return (error as Error).message
    }
    throw new Error(`accepted: ${where}`)
  }

  it('accepts one predicate with literals, keywords inside strings included', () => {
    expect(checkTargetPredicate('orders', "  placed_at < '2024-01-01' AND note <> 'drop; delete'  ")).toBe(
      "placed_at < '2024-01-01' AND note <> 'drop; delete'",
    )
    expect(checkTargetPredicate('orders', "name = 'it''s' OR (id BETWEEN 1 AND 5)")).toBeTruthy()
  })

  it('refuses statements, comments, subqueries and broken quoting in one line', () => {
    expect(refused('')).toMatch(/is empty/)
    expect(refused('1 = 1; DROP TABLE orders')).toMatch(/contains ';'/)
    expect(refused('id = 1 -- comment')).toMatch(/contains a comment/)
    expect(refused('id IN (SELECT id FROM x)')).toMatch(/contains 'SELECT'/)
    expect(refused("name = 'open")).toMatch(/unterminated string/)
    expect(refused('(id = 1')).toMatch(/unbalanced parentheses/)
  })
})

describe('the URL of the database to read', () => {
  it('takes server URLs naming a database, and SQLite files by path or sqlite: URL', () => {
    expect(parseSourceLocation('postgres://me@db.example:5433/shop')).toMatchObject({
      kind: 'postgres',
      database: 'shop',
      address: { host: 'db.example', port: 5433, user: 'me' },
    })
    expect(parseSourceLocation('mariadb://root@127.0.0.1/forum')).toMatchObject({
      kind: 'mysql',
      database: 'forum',
    })
    expect(parseSourceLocation('sqlite:///data/app.db')).toEqual({ kind: 'sqlite', file: '/data/app.db' })
    expect(parseSourceLocation('/data/app.db')).toEqual({ kind: 'sqlite', file: '/data/app.db' })
  })
})
