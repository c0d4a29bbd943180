import type { DialectName } from '../../db/dialect.js'

/** How the tests reach each server dialect: an environment variable holding a URL. */
export const SERVER_ENV: Readonly<
  Record<Exclude<DialectName, 'sqlite'>, { variable: string; example: string; product: string }>
> = {
  postgres: {
    variable: 'DELBENCH_TEST_POSTGRES_URL',
    example: 'postgres://postgres@127.0.0.1:5432/postgres',
    product: 'PostgreSQL',
  },
  mysql: {
    variable: 'DELBENCH_TEST_MYSQL_URL',
    example: 'mysql://root@127.0.0.1:3306/',
    product: 'MySQL/MariaDB',
  },
}

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1'

/** One database a test runs against. `url` is undefined when its server tests are skipped. */
export interface TestDatabase {
  readonly dialect: DialectName
  /** The `--db` value (a URL for servers; for SQLite a folder is made per test). */
  readonly url: string | undefined
}

export function serverUrl(dialect: Exclude<DialectName, 'sqlite'>): string | undefined {
  const value = process.env[SERVER_ENV[dialect].variable]
  return value === undefined || value === '' ? undefined : value
}

/**
 * The dialects every server test loops over. Outside CI a server without its URL is skipped (the
 * global setup prints how to enable it); under CI=true it is never skipped: its test fails instead.
 */
export const TEST_DATABASES: readonly TestDatabase[] = [
  { dialect: 'sqlite', url: 'sqlite' },
  { dialect: 'postgres', url: serverUrl('postgres') },
  { dialect: 'mysql', url: serverUrl('mysql') },
]

/** Whether tests for this database should be skipped (never under CI). */
export function skipped(db: TestDatabase): boolean {
  return db.url === undefined && !IN_CI
}

/** The URL of a server test, or a failure naming the variable CI forgot to set. */
export function requireUrl(db: TestDatabase): string {
  if (db.url !== undefined) return db.url
  const env = SERVER_ENV[db.dialect as Exclude<DialectName, 'sqlite'>]
  throw new Error(
    `${env.variable} is not set: under CI=true every ${env.product} test must run (e.g. ${env.variable}=${env.example})`,
  )
}

/** The local replication pairs (`scripts/local-replication.sh start` prints these variables). */
export const REPLICATION_ENV: Readonly<
  Record<Exclude<DialectName, 'sqlite'>, { primary: string; replica: string; product: string }>
> = {
  postgres: {
    primary: 'DELBENCH_REPLICATION_PG_PRIMARY',
    replica: 'DELBENCH_REPLICATION_PG_REPLICA',
    product: 'PostgreSQL',
  },
  mysql: {
    primary: 'DELBENCH_REPLICATION_MY_PRIMARY',
    replica: 'DELBENCH_REPLICATION_MY_REPLICA',
    product: 'MySQL/MariaDB',
  },
}

/** A primary and its replica for the replication tests, or undefined where their variables are unset. */
export function replicationPair(
  dialect: Exclude<DialectName, 'sqlite'>,
): { primary: string; replica: string } | undefined {
  const env = REPLICATION_ENV[dialect]
  const primary = process.env[env.primary]
  const replica = process.env[env.replica]
  return primary && replica ? { primary, replica } : undefined
}
