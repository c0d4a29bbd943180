import type { Connection } from '../connection.js'
import type { Capabilities, Dialect, ExternalTool, ServerInfo } from '../dialect.js'
import { probeDeleteLimit } from '../delete-limit-probe.js'
import { probeSkipLocked } from '../loose-foreign-keys.js'
import { sqliteLooseForeignKeys } from './sqlite-loose-fk.js'
import { acquireLockFile } from '../lock-file.js'
import { scalar } from '../scalar.js'
import { probeTransactionalDdl } from '../transactional-ddl-probe.js'
import { isSqliteRetryable } from './sqlite-locks.js'
import { sqliteAdapter } from './sqlite-adapter.js'
import { sqliteCost } from './sqlite-cost.js'
import { sqliteWorkCounters } from './sqlite-work-counters.js'
import { sqlitePlans } from './sqlite-plans.js'
import { sqliteLoadTable } from './sqlite-bulk-load.js'
import { sqliteSchema } from './sqlite-schema.js'
import type { SqliteOptions } from './sqlite-options.js'
import { sqliteTableSwap } from './sqlite-table-swap.js'

const SYNCHRONOUS_NAMES = ['off', 'normal', 'full', 'extra']

/** SQLite's compiled-in bind-parameter limit since 3.32, unless the build overrides it. */
export const SQLITE_DEFAULT_MAX_PARAMS = 32766

/** The SQLite dialect; its options set the durability pragmas on every connection. */
export class SqliteDialect implements Dialect {
  readonly name = 'sqlite' as const
  readonly adapter = sqliteAdapter
  readonly schema = sqliteSchema
  /**
   * A load writes each page once and reads few again: 2 MB of page cache instead of better-sqlite3's
   * 16 MB keeps a seed's peak memory flat as rows grow (job-history: 126 MB at scale 1 and 156 MB at 10
   * with 16 MB, 112 and 131 MB with 2 MB; no slower). The session ends with the load.
   */
  readonly loadSession = {
    before: ['PRAGMA foreign_keys = OFF', 'PRAGMA cache_size = -2000'],
    after: ['PRAGMA foreign_keys = ON'],
  }
  readonly loadTable = sqliteLoadTable
  readonly cost = sqliteCost
  readonly work = sqliteWorkCounters
  readonly clientProtocol = 'file' as const
  readonly externalTools: ReadonlySet<ExternalTool> = new Set()
  readonly statementCountersUnavailable =
    'SQLite is embedded: it keeps no count of the statements other clients send'
  readonly plans = sqlitePlans
  readonly loadConnections = 1
  readonly tableSwap = sqliteTableSwap
  readonly looseForeignKeys = sqliteLooseForeignKeys
  readonly memoryNote = 'client process, SQLite engine included'
  readonly #options: SqliteOptions

  constructor(options: SqliteOptions = {}) {
    this.#options = Object.freeze({ ...options })
  }

  /** Statements run on every new connection, before anything is counted. */
  sessionSetup(): string[] {
    // better-sqlite3 already defaults foreign keys on; saying so keeps that true for any build.
    const setup = ['PRAGMA foreign_keys = ON']
    // The journal mode is stored in the file (WAL persists): a database once opened with WAL would stay
    // WAL, so SQLite's own default (DELETE) is set explicitly when no other mode is asked for.
    setup.push(`PRAGMA journal_mode = ${(this.#options.journal ?? 'delete').toUpperCase()}`)
    if (this.#options.synchronous)
      setup.push(`PRAGMA synchronous = ${this.#options.synchronous.toUpperCase()}`)
    return setup
  }

  /** SQLite has no advisory locks: the single-runner lock is a lock file. */
  acquireLock(
    _conn: Connection,
    name: string,
    _capabilities: Pick<Capabilities, 'advisoryLock'>,
  ): Promise<() => Promise<void>> {
    return acquireLockFile(name)
  }

  isRetryable(error: unknown): boolean {
    return isSqliteRetryable(error)
  }

  async introspect(conn: Connection): Promise<{ server: ServerInfo; capabilities: Capabilities }> {
    const version = await scalar(conn, 'SELECT sqlite_version()')
    const synchronous = Number(await scalar(conn, 'PRAGMA synchronous'))
    const settings = {
      journal_mode: await scalar(conn, 'PRAGMA journal_mode'),
      synchronous: SYNCHRONOUS_NAMES[synchronous] ?? String(synchronous),
      foreign_keys: (await scalar(conn, 'PRAGMA foreign_keys')) === '1' ? 'on' : 'off',
      page_size: await scalar(conn, 'PRAGMA page_size'),
    }
    const { rows } = await conn.query<{ compile_options: string }>('PRAGMA compile_options')
    const maxVariables = rows
      .map((r) => /^MAX_VARIABLE_NUMBER=(\d+)$/.exec(r.compile_options)?.[1])
      .find((v) => v !== undefined)
    const notes: string[] = []
    if (settings.journal_mode !== 'wal' && settings.synchronous === 'full') {
      notes.push('rollback journal with synchronous=full: every commit waits for fsync (SQLite defaults)')
    }
    return {
      server: { product: 'SQLite', version, versionString: `SQLite ${version}`, settings, notes },
      capabilities: {
        maxParams: maxVariables === undefined ? SQLITE_DEFAULT_MAX_PARAMS : Number(maxVariables),
        deleteLimit: await probeDeleteLimit(conn),
        skipLocked: await probeSkipLocked(conn),
        // An engine in the client process has no server to hold a lock between processes.
        advisoryLock: false,
        transactionalDdl: await probeTransactionalDdl(conn, sqliteAdapter),
        singleWriter: true,
      },
    }
  }
}
