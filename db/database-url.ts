import path from 'node:path'
import type { DialectName } from './dialect.js'
import { DatabaseUrlError } from '../core/errors.js'
import { redact, registerSecret } from '../core/redact.js'

/** Where SQLite databases live when `--db sqlite` names no path: a folder in the working directory. */
export const DEFAULT_SQLITE_DIRECTORY = '.delbench'

/** The extension of delbench's SQLite database files. */
export const SQLITE_EXTENSION = '.sqlite'

/** A server reached over the network, as parsed from a URL. */
export interface ServerAddress {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string | undefined
  /** The database named in the URL: used only to create and drop delbench's own databases. */
  readonly adminDatabase: string | undefined
  readonly ssl: boolean
}

/** A parsed `--db` value. `display` is safe to print: it never holds a password. */
export type DatabaseSpec =
  | {
      readonly kind: 'sqlite'
      readonly dialect: 'sqlite'
      readonly directory: string
      readonly display: string
    }
  | {
      readonly kind: 'postgres' | 'mysql' | 'mariadb'
      readonly dialect: 'postgres' | 'mysql'
      readonly address: ServerAddress
      readonly display: string
    }
  | {
      readonly kind: 'throwaway'
      readonly dialect: 'postgres' | 'mysql'
      readonly product: 'postgres' | 'mysql' | 'mariadb'
      readonly display: string
    }

const SERVER_SCHEMES: Readonly<
  Record<string, { kind: 'postgres' | 'mysql' | 'mariadb'; dialect: DialectName }>
> = {
  'postgres:': { kind: 'postgres', dialect: 'postgres' },
  'postgresql:': { kind: 'postgres', dialect: 'postgres' },
  'mysql:': { kind: 'mysql', dialect: 'mysql' },
  'mariadb:': { kind: 'mariadb', dialect: 'mysql' },
}

const DEFAULTS = {
  postgres: { port: 5432, user: 'postgres', adminDatabase: 'postgres', passwordEnv: 'PGPASSWORD' },
  mysql: { port: 3306, user: 'root', adminDatabase: undefined, passwordEnv: 'MYSQL_PWD' },
} as const

const ACCEPTED_FORMS =
  'use sqlite, sqlite:PATH, postgres://USER@HOST:PORT/DB, mysql://USER@HOST:PORT/ or mariadb://USER@HOST:PORT/'

/**
 * Parses a `--db` value: `sqlite`, `sqlite:PATH` (a folder for delbench's database files), a
 * `postgres://`, `mysql://` or `mariadb://` URL, or `postgres` / `mysql` / `mariadb` alone for a
 * throw-away server. Passwords found are registered for redaction before anything can print them.
 */
export function parseDatabaseSpec(value: string, env: NodeJS.ProcessEnv = process.env): DatabaseSpec {
  const text = value.trim()
  if (text === '') throw new DatabaseUrlError(`--db is empty: ${ACCEPTED_FORMS}`)
  if (text === 'sqlite') return sqliteSpec(DEFAULT_SQLITE_DIRECTORY)
  if (text.startsWith('sqlite:')) {
    const location = text.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '')
    if (location === '')
      throw new DatabaseUrlError(`--db sqlite: names no path: write sqlite:PATH, e.g. sqlite:./bench-data`)
    return sqliteSpec(location)
  }
  if (text === 'postgres' || text === 'postgresql') return throwaway('postgres')
  if (text === 'mysql' || text === 'mariadb') return throwaway(text)

  const scheme = /^([a-z][a-z0-9+.-]*:)/i.exec(text)?.[1]?.toLowerCase()
  if (scheme === undefined)
    throw new DatabaseUrlError(`--db ${redact(text)} is not a database URL: ${ACCEPTED_FORMS}`)
  const known = SERVER_SCHEMES[scheme]
  if (!known) {
    throw new DatabaseUrlError(`--db: unknown database kind '${scheme.slice(0, -1)}': ${ACCEPTED_FORMS}`)
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    registerPasswordOf(text)
    throw new DatabaseUrlError(`--db ${redact(text)} is not a valid URL: ${ACCEPTED_FORMS}`)
  }
  const password = url.password === '' ? undefined : decode(url.password, 'password')
  registerSecret(password)
  const dialect = known.dialect === 'postgres' ? 'postgres' : 'mysql'
  const defaults = DEFAULTS[dialect]
  if (url.hostname === '')
    throw new DatabaseUrlError(`--db ${redactedUrl(url)} names no host: ${ACCEPTED_FORMS}`)
  const dbPath = decode(url.pathname.replace(/^\//, ''), 'database name')
  if (dbPath.includes('/'))
    throw new DatabaseUrlError(`--db ${redactedUrl(url)}: the database name '${dbPath}' may not contain '/'`)
  let ssl = false
  for (const [key, val] of url.searchParams) {
    if (key === 'ssl' || key === 'sslmode') ssl = !['false', '0', 'disable'].includes(val)
    else
      throw new DatabaseUrlError(
        `--db ${redactedUrl(url)}: unknown parameter '${key}' (only ssl is understood)`,
      )
  }
  const envPassword = env[defaults.passwordEnv]
  registerSecret(envPassword)
  const address: ServerAddress = {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? defaults.port : Number(url.port),
    user: url.username === '' ? defaults.user : decode(url.username, 'user name'),
    password: password ?? (envPassword === '' ? undefined : envPassword),
    adminDatabase: dbPath === '' ? defaults.adminDatabase : dbPath,
    ssl,
  }
  return { kind: known.kind, dialect, address, display: redactedUrl(url) }
}

function sqliteSpec(location: string): DatabaseSpec {
  const directory = path.resolve(location)
  return { kind: 'sqlite', dialect: 'sqlite', directory, display: `sqlite:${location}` }
}

function throwaway(product: 'postgres' | 'mysql' | 'mariadb'): DatabaseSpec {
  const dialect = product === 'postgres' ? 'postgres' : 'mysql'
  return { kind: 'throwaway', dialect, product, display: `${product} (throw-away container)` }
}

/** The URL as it may be shown: the password, if any, replaced by `***`. */
function redactedUrl(url: URL): string {
  const copy = new URL(url.href)
  if (copy.password !== '') copy.password = '***'
  return copy.href.replace(/\/$/, '')
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    throw new DatabaseUrlError(`--db: the ${what} in the URL has a broken %-escape`)
  }
}

/** For URLs too broken to parse: find what looks like the password so it is still hidden. */
function registerPasswordOf(text: string): void {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^@]*)@/i.exec(text)
  registerSecret(match?.[1])
}

/**
 * Where one of delbench's own databases on the server `spec` names can be read as a source (`delbench
 * import`): a SQLite database's file in its folder, or the server's URL naming that database.
 */
export function ownDatabaseLocation(spec: DatabaseSpec, url: string, database: string): string {
  if (spec.kind === 'sqlite') return path.join(spec.directory, database + SQLITE_EXTENSION)
  const located = new URL(url)
  located.pathname = `/${database}`
  return located.href
}
