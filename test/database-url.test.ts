import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseDatabaseSpec } from '../db/database-url.js'
import { DatabaseUrlError } from '../core/errors.js'

const noEnv = {}

describe('parsing --db values', () => {
  it('defaults sqlite to a folder in the working directory', () => {
    expect(parseDatabaseSpec('sqlite', noEnv)).toEqual({
      kind: 'sqlite',
      dialect: 'sqlite',
      directory: path.resolve('.delbench'),
      display: 'sqlite:.delbench',
    })
    expect(parseDatabaseSpec('sqlite:/tmp/bench', noEnv)).toMatchObject({ directory: '/tmp/bench' })
    expect(parseDatabaseSpec('sqlite:///tmp/bench', noEnv)).toMatchObject({ directory: '/tmp/bench' })
  })

  it('reads server URLs with defaults for port, user and admin database', () => {
    expect(parseDatabaseSpec('postgres://db.example:6543', noEnv)).toMatchObject({
      kind: 'postgres',
      dialect: 'postgres',
      address: {
        host: 'db.example',
        port: 6543,
        user: 'postgres',
        password: undefined,
        adminDatabase: 'postgres',
        ssl: false,
      },
    })
    expect(parseDatabaseSpec('mariadb://app@10.0.0.5/', noEnv)).toMatchObject({
      kind: 'mariadb',
      dialect: 'mysql',
      address: { host: '10.0.0.5', port: 3306, user: 'app', adminDatabase: undefined },
    })
    expect(parseDatabaseSpec('postgresql://u@[::1]:5433/admin?sslmode=require', noEnv)).toMatchObject({
      address: { host: '::1', port: 5433, adminDatabase: 'admin', ssl: true },
    })
  })

  it('keeps the password for the driver but never in the display form', () => {
    const spec = parseDatabaseSpec('postgres://alice:p%40ss%3Aword@h/db', noEnv)
    expect(spec.kind === 'postgres' && spec.address.password).toBe('p@ss:word')
    expect(spec.display).toBe('postgres://alice:***@h/db')
    expect(spec.display).not.toContain('ss')
  })

  it('takes the password from PGPASSWORD / MYSQL_PWD when the URL has none', () => {
    const pg = parseDatabaseSpec('postgres://u@h/db', { PGPASSWORD: 'from-env' })
    expect(pg.kind === 'postgres' && pg.address.password).toBe('from-env')
    expect(pg.display).not.toContain('from-env')
    const my = parseDatabaseSpec('mysql://u@h/', { MYSQL_PWD: 'also-env' })
    expect(my.kind === 'mysql' && my.address.password).toBe('also-env')
  })

  it('asks for a throw-away server when a kind is given alone', () => {
    expect(parseDatabaseSpec('postgres', noEnv)).toMatchObject({
      kind: 'throwaway',
      dialect: 'postgres',
      product: 'postgres',
    })
    expect(parseDatabaseSpec('mariadb', noEnv)).toMatchObject({
      kind: 'throwaway',
      dialect: 'mysql',
      product: 'mariadb',
    })
  })

  it.each([
    ['', /--db is empty/],
    ['oracle://u@h/db', /unknown database kind 'oracle'/],
    ['localhost:5432', /unknown database kind 'localhost'/],
    ['just words', /is not a database URL/],
    ['postgres://u:pw@:5432/db', /not a valid URL/],
    ['postgres://u@h:99999/db', /not a valid URL/],
    ['postgres://u@h/a/b', /may not contain '\/'/],
    ['postgres://u@h/db?foo=1', /unknown parameter 'foo'/],
    ['sqlite:', /names no path/],
    ['postgres://u@h/%zz', /broken %-escape/],
  ])('rejects %j with one clear line', (value, message) => {
    let thrown: unknown
    try {
      parseDatabaseSpec(value, noEnv)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(DatabaseUrlError)
    expect((thrown as Error).message).toMatch(message)
    expect((thrown as Error).message).not.toContain('\n')
  })

  it('hides the password of a URL too broken to parse', () => {
    expect(() => parseDatabaseSpec('postgres://u:hunter22@:5432/db', noEnv)).toThrow(/postgres:\/\/u:\*\*\*@/)
    try {
      parseDatabaseSpec('postgres://u:hunter22@:5432/db', noEnv)
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter22')
    }
  })
})
