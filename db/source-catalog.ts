import path from 'node:path'
import { DelbenchError } from '../core/errors.js'
import { redact } from '../core/redact.js'
import type { Catalog, CatalogReadOptions } from './catalog.js'
import { assembleCatalog } from './catalog-assembly.js'
import type { CatalogSource } from './catalog-source.js'
import type { DriverSession } from './connection.js'
import { parseDatabaseSpec, type ServerAddress } from './database-url.js'

/** Where the catalog is read from: a server's database, or a SQLite file. */
export type SourceLocation =
  | { readonly kind: 'sqlite'; readonly file: string }
  | {
      readonly kind: 'postgres' | 'mysql'
      readonly address: ServerAddress
      readonly database: string
    }

const SOURCE_FORMS =
  'name the database to read: postgres://USER@HOST:PORT/DB, mysql://USER@HOST:PORT/DB, mariadb://USER@HOST:PORT/DB, or a SQLite file (PATH or sqlite:PATH)'

/**
 * Reads the catalog and value shapes of the database `url` names, strictly read-only: one read-only
 * transaction with a statement timeout, catalog and statistics queries and bounded samples, never a
 * write and never a full scan unless `options.exact`. Every failure is one `DelbenchError` line
 * without a password; the catalog holds the database's name, never its host or credentials.
 */
export async function readSourceCatalog(url: string, options: CatalogReadOptions): Promise<Catalog> {
  if (!Number.isInteger(options.sampleRows) || options.sampleRows < 1)
    throw new DelbenchError(
      `the sample size must be a whole number of rows, at least 1 (got ${options.sampleRows})`,
    )
  if (!(options.statementTimeoutMs > 0))
    throw new DelbenchError(
      `the statement timeout must be a positive number of milliseconds (got ${options.statementTimeoutMs})`,
    )
  const location = parseSourceLocation(url)
  if (location.kind === 'sqlite') {
    const sqlite = await import('./sqlite/sqlite-catalog.js')
    return readInTransaction(
      () => sqlite.openSqliteCatalogSession(location.file),
      { begin: sqlite.beginSqliteCatalogRead, source: (s) => sqlite.sqliteCatalogSource(s, location.file) },
      `SQLite file ${location.file}`,
      options,
    )
  }
  const { address, database } = location
  if (location.kind === 'postgres') {
    const [pg, driver] = await Promise.all([
      import('./postgres/postgres-catalog.js'),
      import('./postgres/postgres-driver.js'),
    ])
    return readInTransaction(
      () => connect(() => driver.openPostgresSession(address, database), database),
      { begin: pg.beginPostgresCatalogRead, source: pg.postgresCatalogSource },
      driver.postgresWhere(address),
      options,
    )
  }
  const [my, driver] = await Promise.all([
    import('./mysql/mysql-catalog.js'),
    import('./mysql/mysql-driver.js'),
  ])
  return readInTransaction(
    () => connect(() => driver.openMysqlSession(address, database), database),
    { begin: my.beginMysqlCatalogRead, source: my.mysqlCatalogSource },
    driver.mysqlWhere(address),
    options,
  )
}

/**
 * Parses the URL of a database to read. Unlike `--db` elsewhere, it must name one existing database
 * (a SQLite *file*, not a folder for delbench's own), and never a throw-away server.
 */
export function parseSourceLocation(url: string): SourceLocation {
  const text = url.trim()
  if (text === '') throw new DelbenchError(`--db is empty: ${SOURCE_FORMS}`)
  if (['sqlite', 'postgres', 'postgresql', 'mysql', 'mariadb'].includes(text))
    throw new DelbenchError(`--db ${text}: import reads an existing database; ${SOURCE_FORMS}`)
  if (text.startsWith('sqlite:')) {
    const file = text.slice('sqlite:'.length).replace(/^\/\//, '')
    if (file === '') throw new DelbenchError(`--db ${text} names no file: ${SOURCE_FORMS}`)
    return { kind: 'sqlite', file: path.resolve(file) }
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return { kind: 'sqlite', file: path.resolve(text) }
  const spec = parseDatabaseSpec(text)
  if (spec.kind !== 'postgres' && spec.kind !== 'mysql' && spec.kind !== 'mariadb')
    throw new DelbenchError(`--db ${spec.display}: ${SOURCE_FORMS}`)
  const named = decodeURIComponent(new URL(text).pathname.replace(/^\//, ''))
  if (named === '') throw new DelbenchError(`--db ${spec.display} names no database: ${SOURCE_FORMS}`)
  return { kind: spec.dialect, address: spec.address, database: named }
}

/** The begin and source steps of one database's reader. */
interface Reader {
  begin(session: DriverSession, options: CatalogReadOptions): Promise<void>
  source(session: DriverSession): Promise<CatalogSource>
}

async function readInTransaction(
  open: () => Promise<DriverSession>,
  reader: Reader,
  where: string,
  options: CatalogReadOptions,
): Promise<Catalog> {
  let session: DriverSession | undefined
  try {
    session = await open()
    await reader.begin(session, options)
    return await assembleCatalog(await reader.source(session), options)
  } catch (error) {
    throw readFailure(error, where, options)
  } finally {
    // Nothing was written; ending the transaction either way releases its snapshot.
    await session?.execute('ROLLBACK', []).catch(() => {})
    await session?.close().catch(() => {})
  }
}

/** A connection, with a missing database said in import's terms (connect-errors speaks of --db's own). */
async function connect(open: () => Promise<DriverSession>, database: string): Promise<DriverSession> {
  try {
    return await open()
  } catch (error) {
    const code = driverCode(error instanceof Error ? error.cause : undefined)
    if (code === '3D000' || code === 'ER_BAD_DB_ERROR')
      throw new DelbenchError(`--db: the server has no database '${database}' to read`, 2, { cause: error })
    throw error
  }
}

/** PostgreSQL's query_canceled; MariaDB's max_statement_time (1969) and MySQL's max_execution_time (3024). */
const TIMEOUT_CODES = new Set(['57014', 'ER_STATEMENT_TIMEOUT', 'ER_QUERY_TIMEOUT', '1969', '3024'])
const PRIVILEGE_CODES = new Set([
  '42501',
  'ER_TABLEACCESS_DENIED_ERROR',
  'ER_COLUMNACCESS_DENIED_ERROR',
  'ER_SPECIFIC_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
])

/** Any failure while reading, as one line without a password. */
function readFailure(error: unknown, where: string, options: CatalogReadOptions): DelbenchError {
  if (error instanceof DelbenchError)
    return new DelbenchError(redact(error.message), error.exitCode, { cause: error })
  const code = driverCode(error)
  const message = redact(firstLine(error))
  if (TIMEOUT_CODES.has(code) || TIMEOUT_CODES.has(errno(error)))
    return new DelbenchError(
      `reading ${where} stopped: a statement ran longer than the ${options.statementTimeoutMs} ms statement timeout (raise it, or read fewer tables with --tables)`,
      1,
      { cause: error },
    )
  if (PRIVILEGE_CODES.has(code))
    return new DelbenchError(
      `reading ${where} was refused (no privilege to read its catalog): ${message}`,
      2,
      {
        cause: error,
      },
    )
  return new DelbenchError(`reading ${where} failed: ${message}`, 1, { cause: error })
}

function driverCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return ''
  const code = (error as { code?: unknown }).code
  return code === undefined ? '' : String(code)
}

/** mysql2 names only the error numbers MySQL knows; MariaDB's own come with their number alone. */
function errno(error: unknown): string {
  const value = typeof error === 'object' && error !== null ? (error as { errno?: unknown }).errno : undefined
  return value === undefined ? '' : String(value)
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0] ?? ''
}
