import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import mysql from 'mysql2/promise'
import type { Row } from '../../db/connection.js'
import type { DialectName } from '../../db/dialect.js'
import { RawServer, randomSuffix } from './raw-server.js'
import { requireUrl, type TestDatabase } from './servers.js'
import { tempFolder } from './temp-folders.js'

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'import')
const FIXTURE_FILE: Readonly<Record<DialectName, string>> = {
  postgres: 'postgres.sql',
  mysql: 'mysql.sql',
  sqlite: 'sqlite.sql',
}

/**
 * A private database built from `test/fixtures/import/<dialect>.sql` (the forum, the shop and the
 * events table) for `delbench import` to read. `url` names it; `query` reads it around delbench, on
 * a connection of its own; `drop` removes it.
 */
export interface ImportFixture {
  readonly dialect: DialectName
  readonly url: string
  /** The database's name (SQLite: the file). */
  readonly name: string
  query(sql: string): Promise<Row[]>
  drop(): Promise<void>
}

export function fixtureSql(dialect: DialectName): string {
  return fs.readFileSync(path.join(FIXTURES, FIXTURE_FILE[dialect]), 'utf8')
}

/** Creates `delbench_test_import_<random>` (SQLite: a file in a temp folder) from the fixture. */
export async function createImportFixture(db: TestDatabase): Promise<ImportFixture> {
  if (db.dialect === 'sqlite') return sqliteFixture()
  const raw = new RawServer(requireUrl(db))
  const name = `delbench_test_import_${randomSuffix()}`
  await raw.createDatabase(name)
  try {
    if (db.dialect === 'postgres') await loadPostgres(raw, name)
    else await loadMysql(raw, name)
  } catch (error) {
    await raw.dropDatabase(name)
    throw error
  }
  return {
    dialect: db.dialect,
    url: raw.urlFor(name),
    name,
    query: (sql) => raw.admin(async (s) => (await s.execute(sql, [])).rows, name),
    drop: () => raw.dropDatabase(name),
  }
}

async function loadPostgres(raw: RawServer, name: string): Promise<void> {
  await raw.admin(async (session) => {
    // No parameters: the simple protocol, which runs a script of many statements.
    await session.execute(fixtureSql('postgres'), [])
    // The statistics counters of the load must be in shared memory before a test reads them: the
    // flush is forced at the next idle point, which the second statement passes.
    await session.execute('SELECT pg_stat_force_next_flush()', [])
    await session.execute('SELECT 1', [])
  }, name)
}

async function loadMysql(raw: RawServer, name: string): Promise<void> {
  const { address } = raw
  const conn = await mysql.createConnection({
    host: address.host,
    port: address.port,
    user: address.user,
    password: address.password ?? '',
    database: name,
    multipleStatements: true,
  })
  try {
    await conn.query(fixtureSql('mysql'))
  } finally {
    await conn.end()
  }
}

function sqliteFixture(): ImportFixture {
  const file = path.join(tempFolder('import'), 'forum-shop.db')
  const db = new Database(file)
  try {
    db.exec(fixtureSql('sqlite'))
  } finally {
    db.close()
  }
  return {
    dialect: 'sqlite',
    url: file,
    name: file,
    query: async (sql) => {
      const reader = new Database(file, { readonly: true, fileMustExist: true })
      try {
        return reader.prepare(sql).all() as Row[]
      } finally {
        reader.close()
      }
    },
    drop: async () => fs.rmSync(path.dirname(file), { recursive: true, force: true }),
  }
}

/** A digest of every row of a table, whatever order the database returns them in. */
export async function tableChecksum(fixture: ImportFixture, table: string): Promise<string> {
  const quoted = fixture.dialect === 'mysql' ? `\`${table}\`` : `"${table}"`
  const rows = await fixture.query(`SELECT * FROM ${quoted}`)
  const lines = rows.map((row) => JSON.stringify(row)).sort()
  return createHash('sha256').update(lines.join('\n')).digest('hex')
}

/** SHA-256 of a file's bytes (a SQLite source must stay byte-for-byte the same). */
export function fileChecksum(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex')
}
