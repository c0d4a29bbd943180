import { createHash } from 'node:crypto'
import type { CopyMethod, Provisioner } from '../dialect.js'
import { serverClientDetails, type ClientDetails } from '../client-details.js'
import type { ServerAddress } from '../database-url.js'
import { InstrumentedConnection, type SqlLogger } from '../instrumented-connection.js'
import type { TableSpec } from '../../core/table-spec.js'
import { changedShare, copyRows, createTablesOf, repairRows, sameDefinitions } from './mysql-copy.js'
import { MysqlTablespaces } from './mysql-tablespaces.js'
import { isLocalHost, serverFreeBytes } from '../free-space.js'
import { scalar } from '../scalar.js'
import { LazyConnection } from '../lazy-connection.js'
import { MARKER_TABLE, OWNER_TABLE } from '../ownership.js'
import { mysqlAdapter } from './mysql-adapter.js'
import { openMysqlSession } from './mysql-driver.js'

/**
 * Above this share of rows missing or added, a full copy by rows is cheaper than a repair in place
 * (measured). Only where the table files cannot be reached: copying those in was measured faster than
 * any repair (job-history at scale 0.5: 1.7 s for the files against 8.6 s to repair 500 deleted rows,
 * whose anti-joins read both copies whole).
 */
const MAX_REPAIR_SHARE = 0.05

/**
 * Creates and drops databases through a connection to the database named in the URL (or none). That
 * connection only ever runs CREATE DATABASE, DROP DATABASE and catalog reads.
 */
export class MysqlProvisioner implements Provisioner {
  readonly #address: ServerAddress
  readonly #admin: LazyConnection
  readonly #logger: SqlLogger | undefined
  readonly #tablespaces: MysqlTablespaces
  readonly onThisMachine: boolean

  constructor(address: ServerAddress, logger?: SqlLogger, tablespaces = new MysqlTablespaces(address)) {
    this.#address = address
    this.onThisMachine = isLocalHost(address.host)
    this.#logger = logger
    this.#tablespaces = tablespaces
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
    return serverFreeBytes(this.onThisMachine, async () => {
      const admin = await this.#admin.get()
      return scalar(admin, 'SELECT @@datadir')
    })
  }

  async endSessionsOn(name: string, only?: readonly number[]): Promise<void> {
    const admin = await this.#admin.get()
    const { rows } = await admin.query<{ id: number; db: string | null }>(
      'SELECT ID AS id, DB AS db FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND (DB = ? OR LOCATE(?, INFO) > 0)',
      [name, name],
    )
    const wanted = (r: { id: number; db: string | null }) =>
      !only || (r.db === name && only.includes(Number(r.id)))
    for (const { id } of rows.filter(wanted)) await admin.query(`KILL ${Number(id)}`).catch(() => {})
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

  async cloneDatabase(source: string, target: string): Promise<CopyMethod> {
    await this.createDatabase(target)
    return this.#inDatabase(target, async (conn) => {
      const tables = await createTablesOf(conn, source)
      // The marker's and owner's rows are copied, never their files: while a tablespace is discarded
      // its table cannot be read, and listing delbench's databases (another run, `delbench clean`)
      // reads both.
      const own = (t: string) => t === MARKER_TABLE || t === OWNER_TABLE
      const data = tables.filter((t) => !own(t))
      await copyRows(conn, source, tables.filter(own))
      if (await this.#copyFiles(conn, source, target, data)) return 'tablespace'
      await copyRows(conn, source, data)
      return 'clone'
    })
  }

  /**
   * The table files are copied in where they can be reached; else a change of up to `MAX_REPAIR_SHARE`
   * of the rows is repaired row by row; beyond that the caller copies afresh.
   */
  async refreshDatabase(
    source: string,
    target: string,
    tables: readonly TableSpec[],
  ): Promise<CopyMethod | undefined> {
    return this.#inDatabase(target, async (conn) => {
      if (!(await sameDefinitions(conn, source, tables))) return undefined
      const names = tables.map((t) => t.name)
      if (await this.#copyFiles(conn, source, target, names)) return 'tablespace'
      const changed = await changedShare(conn, source, tables)
      if (changed === undefined || changed > MAX_REPAIR_SHARE) return undefined
      return (await repairRows(conn, source, tables)) ? 'refresh' : undefined
    })
  }

  #copyFiles(conn: InstrumentedConnection, source: string, target: string, tables: readonly string[]) {
    return this.#tablespaces.copyInto(conn, source, target, tables, async () => {
      return new InstrumentedConnection(await this.connect(source), this.#logger)
    })
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
    // A pristine database's kept table files go with it.
    await this.#tablespaces.forget(name)
  }

  async close(): Promise<void> {
    await this.#admin.close()
  }
}
