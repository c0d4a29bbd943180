import type { Provisioner } from '../dialect.js'
import type { ServerAddress } from '../database-url.js'
import { InstrumentedConnection, type SqlLogger } from '../instrumented-connection.js'
import type { TableSpec } from '../table-spec.js'
import { copyAllTables, refreshTables } from './mysql-copy.js'
import { LazyConnection } from '../lazy-connection.js'
import { mysqlAdapter } from './mysql-adapter.js'
import { openMysqlSession } from './mysql-driver.js'

/**
 * Creates and drops databases through a connection to the database named in the URL (or none). That
 * connection only ever runs CREATE DATABASE, DROP DATABASE and catalog reads.
 */
export class MysqlProvisioner implements Provisioner {
  readonly #address: ServerAddress
  readonly #admin: LazyConnection
  readonly #logger: SqlLogger | undefined

  constructor(address: ServerAddress, logger?: SqlLogger) {
    this.#address = address
    this.#logger = logger
    this.#admin = new LazyConnection(() => openMysqlSession(address, address.adminDatabase), logger)
  }

  async listDatabases(prefix: string): Promise<string[]> {
    const admin = await this.#admin.get()
    const { rows } = await admin.query<{ name: string }>(
      'SELECT schema_name AS name FROM information_schema.schemata WHERE LEFT(schema_name, ?) = ? ORDER BY schema_name',
      [prefix.length, prefix],
    )
    return rows.map((r) => r.name)
  }

  async createDatabase(name: string): Promise<void> {
    const admin = await this.#admin.get()
    await admin.query(`CREATE DATABASE ${mysqlAdapter.quote(name)}`)
  }

  async cloneDatabase(source: string, target: string): Promise<void> {
    await this.createDatabase(target)
    await this.#inDatabase(target, (conn) => copyAllTables(conn, source))
  }

  async refreshDatabase(source: string, target: string, tables: readonly TableSpec[]): Promise<boolean> {
    return this.#inDatabase(target, (conn) => refreshTables(conn, source, tables))
  }

  async #inDatabase<T>(name: string, fn: (conn: InstrumentedConnection) => Promise<T>): Promise<T> {
    const conn = new InstrumentedConnection(await this.connect(name), this.#logger)
    try {
      return await fn(conn)
    } finally {
      await conn.close()
    }
  }

  connect(name: string) {
    return openMysqlSession(this.#address, name)
  }

  async dropDatabase(name: string): Promise<void> {
    const admin = await this.#admin.get()
    await admin.query(`DROP DATABASE ${mysqlAdapter.quote(name)}`)
  }

  async close(): Promise<void> {
    await this.#admin.close()
  }
}
