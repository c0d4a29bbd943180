import { createHash, randomBytes } from 'node:crypto'
import type { DriverSession, Row } from '../../db/connection.js'
import { parseDatabaseSpec, type ServerAddress } from '../../db/database-url.js'
import type { DialectName } from '../../db/dialect.js'
import { openMysqlSession } from '../../db/mysql/mysql-driver.js'
import { openPostgresSession } from '../../db/postgres/postgres-driver.js'

/**
 * Direct access to a test server *around* delbench, for fixtures delbench must not touch (canary
 * databases, unmarked look-alikes) and for checking afterwards that they are unchanged.
 */
export class RawServer {
  readonly dialect: Exclude<DialectName, 'sqlite'>
  readonly address: ServerAddress
  readonly #url: URL

  constructor(url: string) {
    const spec = parseDatabaseSpec(url)
    if (spec.kind !== 'postgres' && spec.kind !== 'mysql' && spec.kind !== 'mariadb')
      throw new Error(`not a server URL: ${url}`)
    this.dialect = spec.dialect
    this.address = spec.address
    this.#url = new URL(url)
  }

  /** The same server URL with another database named in it. */
  urlFor(database: string): string {
    const copy = new URL(this.#url.href)
    copy.pathname = `/${database}`
    return copy.href
  }

  quote(name: string): string {
    return this.dialect === 'postgres' ? `"${name}"` : `\`${name}\``
  }

  session(database?: string): Promise<DriverSession> {
    return this.dialect === 'postgres'
      ? openPostgresSession(this.address, database ?? this.address.adminDatabase ?? 'postgres')
      : openMysqlSession(this.address, database ?? this.address.adminDatabase)
  }

  async admin<T>(fn: (session: DriverSession) => Promise<T>, database?: string): Promise<T> {
    const session = await this.session(database)
    try {
      return await fn(session)
    } finally {
      await session.close()
    }
  }

  async createDatabase(name: string): Promise<void> {
    await this.admin((s) => s.execute(`CREATE DATABASE ${this.quote(name)}`, []))
  }

  async dropDatabase(name: string): Promise<void> {
    const force = this.dialect === 'postgres' ? ' WITH (FORCE)' : ''
    await this.admin((s) => s.execute(`DROP DATABASE IF EXISTS ${this.quote(name)}${force}`, []))
  }

  async databaseExists(name: string): Promise<boolean> {
    const sql =
      this.dialect === 'postgres'
        ? 'SELECT datname FROM pg_database WHERE datname = $1'
        : 'SELECT schema_name FROM information_schema.schemata WHERE schema_name = ?'
    return this.admin(async (s) => (await s.execute(sql, [name])).rows.length === 1)
  }

  /** A digest of every table's name, definition columns and rows in a database. */
  async fingerprint(database: string): Promise<string> {
    return this.admin(async (s) => {
      const tablesSql =
        this.dialect === 'postgres'
          ? "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
          : 'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1'
      const hash = createHash('sha256')
      for (const { t } of (await s.execute(tablesSql, [])).rows as { t: string }[]) {
        const rows: Row[] = (await s.execute(`SELECT * FROM ${this.quote(t)} ORDER BY 1`, [])).rows
        hash.update(`${t}:${JSON.stringify(rows)}\n`)
      }
      return hash.digest('hex')
    }, database)
  }
}

export function randomSuffix(): string {
  return randomBytes(4).toString('hex')
}
