import { describe, expect, it } from 'vitest'
import { bindPlaceholders } from '../db/placeholders.js'
import { mysqlAdapter } from '../db/mysql/mysql-adapter.js'
import { postgresAdapter } from '../db/postgres/postgres-adapter.js'

describe('portable placeholders', () => {
  it('numbers them for PostgreSQL, outside literals only', () => {
    expect(bindPlaceholders('SELECT * FROM t WHERE a = ? AND b = \'?\' AND "c?" > ?', postgresAdapter)).toBe(
      'SELECT * FROM t WHERE a = $1 AND b = \'?\' AND "c?" > $2',
    )
  })
  it('leaves them for MySQL and SQLite', () => {
    expect(bindPlaceholders('DELETE FROM t WHERE id IN (?, ?)', mysqlAdapter)).toBe(
      'DELETE FROM t WHERE id IN (?, ?)',
    )
  })
})
