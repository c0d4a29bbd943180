import { createHash } from 'node:crypto'
import type { Provisioner } from '../dialect.js'
import { serverClientDetails, type ClientDetails } from '../client-details.js'
import type { ServerAddress } from '../database-url.js'
import { InstrumentedConnection, type SqlLogger } from '../instrumented-connection.js'
import type { TableSpec } from '../../core/table-spec.js'
import { copyAllTables, refreshTables } from './mysql-copy.js'
import { serverFreeBytes } from '../free-space.js'
import { scalar } from '../scalar.js'
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

  async freeBytes(): Promise<number | undefined> {
    return serverFreeBytes(this.#address.host, async () => {
      const admin = await this.#admin.get()
      return scalar(admin, 'SELECT @@datadir')
    })
  }

  async endSessionsOn(name: string): Promise<void> {
    const admin = await this.#admin.get()
    const { rows } = await admin.query<{ id: number }>(
      'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND (DB = ? OR LOCATE(?, INFO) > 0)',
      [name, name],
    )
    for (const { id } of rows) await admin.query(`KILL ${Number(id)}`).catch(() => {})
  }

  async tryLock(name: string): Promise<(() => Promise<void>) | undefined> {
    const admin = await this.#admin.get()
    // GET_LOCK names are at most 64 characters; a hash keeps long names distinct.
    const key = `delbench:${createHash('sha256').update(name).digest('hex').slice(0, 40)}`
    const { rows } = await admin.query<{ locked: number | null }>('SELECT GET_LOCK(?, 0) AS locked', [key])
    if (Number(rows[0]?.locked) !== 1) return undefined
    return async () => {
      await admin.query('SELECT RELEASE_LOCK(?)', [key])
    }
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

  clientDetails(name: string): ClientDetails {
    return serverClientDetails('mysql2', this.#address, name, 'MYSQL_PWD')
  }

  async dropDatabase(name: string): Promise<void> {
    const admin = await this.#admin.get()
    await admin.query(`DROP DATABASE ${mysqlAdapter.quote(name)}`)
  }

  async close(): Promise<void> {
    await this.#admin.close()
  }
}
