import type { Connection } from '../connection.js'
import type { Capabilities, Dialect, ExternalTool, ServerInfo } from '../dialect.js'
import { acquireNamedLock, probeAdvisoryLock } from '../advisory-lock.js'
import { probeDeleteLimit } from '../delete-limit-probe.js'
import { probeSkipLocked } from '../loose-foreign-keys.js'
import { mysqlLooseForeignKeys } from './mysql-loose-fk.js'
import { SERVER_MEMORY_NOTE } from '../memory-note.js'
import { probeTransactionalDdl } from '../transactional-ddl-probe.js'
import { isMysqlRetryable, MYSQL_LOCK_NAME_MAX, mysqlLockSql } from './mysql-locks.js'
import { detectMysqlProduct } from '../server-version.js'
import { mysqlAdapter } from './mysql-adapter.js'
import { mysqlCost } from './mysql-cost.js'
import { mysqlWorkCounters } from './mysql-work-counters.js'
import { mysqlStatementCounters } from './mysql-statement-counters.js'
import { mysqlPlans } from './mysql-plans.js'
import { mysqlLoadTable } from './mysql-bulk-load.js'
import { mysqlSchema } from './mysql-schema.js'
import { MYSQL_SESSION_ID_SQL } from './mysql-session.js'
import { mysqlTableSwap } from './mysql-table-swap.js'
import { mysqlReplication } from './mysql-replication.js'

/** Settings that decide how expensive a commit and a deleted row are, and how locks behave. */
const SETTINGS = [
  'innodb_flush_log_at_trx_commit',
  'sync_binlog',
  'log_bin',
  'innodb_doublewrite',
  'transaction_isolation',
  'tx_isolation',
  'innodb_lock_wait_timeout',
  'innodb_buffer_pool_size',
  'default_storage_engine',
  'local_infile',
]

/** Prepared statements carry at most 65,535 parameters; delbench keeps text-protocol chunks under it too. */
export const MYSQL_MAX_PARAMS = 65535

export class MysqlDialect implements Dialect {
  readonly name = 'mysql' as const
  readonly adapter = mysqlAdapter
  readonly schema = mysqlSchema
  readonly loadSession = {
    before: ['SET foreign_key_checks = 0', 'SET unique_checks = 0'],
    after: ['SET foreign_key_checks = 1', 'SET unique_checks = 1'],
  }
  readonly loadTable = mysqlLoadTable
  readonly cost = mysqlCost
  readonly work = mysqlWorkCounters
  readonly clientProtocol = 'mysql' as const
  readonly externalTools: ReadonlySet<ExternalTool> = new Set(['pt-archiver'])
  readonly statementCounters = mysqlStatementCounters
  readonly plans = mysqlPlans
  readonly sessionIdSql = MYSQL_SESSION_ID_SQL
  readonly loadConnections = 2
  readonly advisoryLockSql = mysqlLockSql
  readonly replication = mysqlReplication
  readonly tableSwap = mysqlTableSwap
  readonly looseForeignKeys = mysqlLooseForeignKeys
  readonly memoryNote = SERVER_MEMORY_NOTE

  sessionSetup(): string[] {
    return []
  }

  acquireLock(
    conn: Connection,
    name: string,
    capabilities: Pick<Capabilities, 'advisoryLock'>,
  ): Promise<() => Promise<void>> {
    return acquireNamedLock(conn, mysqlLockSql, name, capabilities, MYSQL_LOCK_NAME_MAX)
  }

  isRetryable(error: unknown): boolean {
    return isMysqlRetryable(error)
  }

  async introspect(conn: Connection): Promise<{ server: ServerInfo; capabilities: Capabilities }> {
    const { rows: versionRows } = await conn.query<{ v: string; c: string }>(
      'SELECT VERSION() AS v, @@version_comment AS c',
    )
    const versionString = versionRows[0]?.v ?? ''
    const detected = detectMysqlProduct(versionString, versionRows[0]?.c ?? '')
    const placeholders = SETTINGS.map(() => '?').join(', ')
    const { rows } = await conn.query<{ Variable_name: string; Value: string }>(
      `SHOW VARIABLES WHERE Variable_name IN (${placeholders})`,
      SETTINGS,
    )
    const settings = Object.fromEntries(
      rows.map((r) => [r.Variable_name, r.Value]).sort(([a], [b]) => String(a).localeCompare(String(b))),
    )
    return {
      server: {
        product: detected.product,
        version: detected.version,
        versionString,
        settings,
        notes: detected.notes,
      },
      capabilities: {
        maxParams: MYSQL_MAX_PARAMS,
        deleteLimit: await probeDeleteLimit(conn),
        skipLocked: await probeSkipLocked(conn),
        advisoryLock: await probeAdvisoryLock(conn, mysqlLockSql),
        transactionalDdl: await probeTransactionalDdl(conn, mysqlAdapter),
        singleWriter: false,
      },
    }
  }
}
