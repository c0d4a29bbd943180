import type { CopyMethod, Provisioner } from '../dialect.js'
import { serverClientDetails, type ClientDetails } from '../client-details.js'
import type { ServerAddress } from '../database-url.js'
import type { SqlLogger } from '../instrumented-connection.js'
import { isLocalHost, serverFreeBytes } from '../free-space.js'
import { LazyConnection } from '../lazy-connection.js'
import { scalar } from '../scalar.js'
import { postgresAdapter } from './postgres-adapter.js'
import { openPostgresSession } from './postgres-driver.js'

/** How long a template copy waits for another process's copy of the same template, and how often it tries. */
const CLONE_WAIT_MS = 120_000
const CLONE_RETRY_MS = 200

/**
 * Creates and drops databases through a connection to the database named in the URL. That connection
 * only ever runs CREATE DATABASE, DROP DATABASE and catalog reads.
 */
export class PostgresProvisioner implements Provisioner {
  readonly #address: ServerAddress
  readonly #admin: LazyConnection
  readonly onThisMachine: boolean

  constructor(address: ServerAddress, logger?: SqlLogger) {
    this.#address = address
    this.onThisMachine = isLocalHost(address.host)
    this.#admin = new LazyConnection(
      () => openPostgresSession(address, address.adminDatabase ?? 'postgres'),
      logger,
    )
  }

  async listDatabases(prefix: string): Promise<string[]> {
    const admin = await this.#admin.get()
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE left(datname, length($1)) = $1 ORDER BY datname',
      [prefix],
    )
    return rows.map((r) => r.datname)
  }

  async createDatabase(name: string): Promise<void> {
    const admin = await this.#admin.get()
    await admin.query(`CREATE DATABASE ${postgresAdapter.quote(name)}`)
  }

  /**
   * A template copy. FILE_COPY (PostgreSQL 15+) copies the files without WAL-logging each block: ~3×
   * faster than the default WAL_LOG here. The template must have no open connection.
   */
  async cloneDatabase(source: string, target: string): Promise<CopyMethod> {
    const admin = await this.#admin.get()
    const fileCopy =
      Number(await scalar(admin, 'SHOW server_version_num')) >= 150000 ? ' STRATEGY FILE_COPY' : ''
    const sql = `CREATE DATABASE ${postgresAdapter.quote(target)} TEMPLATE ${postgresAdapter.quote(source)}${fileCopy}`
    // Another delbench process may be copying the same seed right now (a template takes one copier
    // at a time): wait for it rather than fail.
    for (let waited = 0; ; waited += CLONE_RETRY_MS) {
      try {
        await admin.query(sql)
        return 'clone'
      } catch (error) {
        const inUse = (error as { code?: unknown }).code === '55006'
        if (!inUse || waited >= CLONE_WAIT_MS) throw error
        await new Promise((resolve) => setTimeout(resolve, CLONE_RETRY_MS))
      }
    }
  }

  async freeBytes(): Promise<number | undefined> {
    // Readable by superusers and pg_read_all_settings members only; others get no answer.
    return serverFreeBytes(this.onThisMachine, async () => {
      const admin = await this.#admin.get()
      return scalar(admin, "SELECT setting FROM pg_settings WHERE name = 'data_directory'")
    })
  }

  async flushWrites(): Promise<void> {
    const admin = await this.#admin.get()
    await admin.query('CHECKPOINT')
  }

  async endSessionsOn(name: string, only?: readonly number[]): Promise<void> {
    const admin = await this.#admin.get()
    if (only)
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = $1 AND pid = ANY($2::int[])',
        [name, [...only]],
      )
    else
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND (datname = $1 OR strpos(query, $1) > 0)',
        [name],
      )
  }

  async tryLock(name: string): Promise<(() => Promise<void>) | undefined> {
    const admin = await this.#admin.get()
    const key = `delbench:${name}`
    // Advisory locks belong to one database, and two delbench processes may name different databases in
    // their URLs: a lock another session holds in any database of the server is held (pg_locks shows
    // them all), or a process could take a lock a live one holds elsewhere and drop that one's database.
    const elsewhere = await admin.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
         AND objid::text::bigint = (hashtext($1)::bigint & 4294967295) AND pid <> pg_backend_pid()`,
      [key],
    )
    if (Number(elsewhere.rows[0]?.n) > 0) return undefined
    const { rows } = await admin.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
      [key],
    )
    if (!rows[0]?.locked) return undefined
    return async () => {
      await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [key])
    }
  }

  connect(name: string) {
    return openPostgresSession(this.#address, name)
  }

  clientDetails(name: string): ClientDetails {
    return serverClientDetails('pg', this.#address, name, 'PGPASSWORD')
  }

  async dropDatabase(name: string): Promise<void> {
    const admin = await this.#admin.get()
    // FORCE (PostgreSQL 13+) ends sessions a killed run left behind, which would block the drop.
    const force = Number(await scalar(admin, 'SHOW server_version_num')) >= 130000 ? ' WITH (FORCE)' : ''
    await admin.query(`DROP DATABASE ${postgresAdapter.quote(name)}${force}`)
  }

  async close(): Promise<void> {
    await this.#admin.close()
  }
}
