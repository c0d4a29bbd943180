import { describe, expect, it } from 'vitest'
import { classifyStatement } from '../db/statement-kind.js'

describe('classifyStatement', () => {
  it.each([
    ['SELECT 1', 'select'],
    ['  select * from t', 'select'],
    ['(SELECT 1) UNION (SELECT 2)', 'select'],
    ['VALUES (1), (2)', 'select'],
    ['INSERT INTO t VALUES (1)', 'insert'],
    ['REPLACE INTO t VALUES (1)', 'insert'],
    ['COPY t (a) FROM STDIN', 'insert'],
    ['COPY t TO STDOUT', 'select'],
    ['UPDATE t SET a = 1', 'update'],
    ['DELETE FROM t WHERE id = ?', 'delete'],
    ['BEGIN', 'begin'],
    ['START TRANSACTION', 'begin'],
    ['COMMIT', 'commit'],
    ['END', 'commit'],
    ['ROLLBACK', 'rollback'],
    ['ROLLBACK TO SAVEPOINT s1', 'other'],
    ['SAVEPOINT s1', 'other'],
    ['CREATE TABLE t (id INT)', 'other'],
    ['PRAGMA journal_mode', 'other'],
    ['SET autocommit = 1', 'other'],
    ['START SLAVE', 'other'],
    ['', 'other'],
  ] as const)('%s → %s', (sql, kind) => {
    expect(classifyStatement(sql)).toBe(kind)
  })

  it('skips comments and string literals before the verb', () => {
    expect(classifyStatement("-- DELETE this\n/* UPDATE */ SELECT 'DELETE'")).toBe('select')
  })

  it('looks through WITH to the statement it prefixes', () => {
    expect(
      classifyStatement(
        'WITH doomed AS (SELECT id FROM t LIMIT 10) DELETE FROM t WHERE id IN (SELECT id FROM doomed)',
      ),
    ).toBe('delete')
    expect(
      classifyStatement('WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r'),
    ).toBe('select')
    expect(classifyStatement('WITH x AS (DELETE FROM t RETURNING id) UPDATE u SET n = 0')).toBe('update')
  })
})
