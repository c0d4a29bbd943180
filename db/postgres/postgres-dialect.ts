import type { Connection } from '../connection.js'
import type { Capabilities, Dialect, ExternalTool, ServerInfo } from '../dialect.js'
import { acquireNamedLock, probeAdvisoryLock } from '../advisory-lock.js'
import { probeDeleteLimit } from '../delete-limit-probe.js'
import { probeSkipLocked } from '../loose-foreign-keys.js'
import { postgresLooseForeignKeys } from './postgres-loose-fk.js'
import { SERVER_MEMORY_NOTE } from '../memory-note.js'
import { scalar } from '../scalar.js'
import { probeTransactionalDdl } from '../transactional-ddl-probe.js'
import { isPostgresRetryable, postgresLockSql } from './postgres-locks.js'
import { detectPostgresProduct } from '../server-version.js'
import { postgresAdapter } from './postgres-adapter.js'
import { postgresCost } from './postgres-cost.js'
import { postgresWorkCounters } from './postgres-work-counters.js'
import { postgresPlans } from './postgres-plans.js'
import { postgresLoadTable } from './postgres-bulk-load.js'
import { postgresSchema } from './postgres-schema.js'
import { pgbenchLoader } from './postgres-reference-loader.js'
import { postgresTableSwap } from './postgres-table-swap.js'
import { postgresReplication } from './postgres-replication.js'

/** Settings that decide how expensive a commit and a deleted row are. */
const SETTINGS = [
  'fsync',
  'synchronous_commit',
  'full_page_writes',
  'wal_level',
  'wal_compression',
  'default_transaction_isolation',
  'shared_buffers',
  'max_wal_size',
  'autovacuum',
]

/** The PostgreSQL protocol's bind-parameter count is a 16-bit field. */
export const POSTGRES_MAX_PARAMS = 65535

export class PostgresDialect implements Dialect {
  readonly name = 'postgres' as const
  readonly adapter = postgresAdapter
  readonly schema = postgresSchema
  /**
   * Seeding only: index builds sort in memory, and the seed's few commits do not wait for the disk
   * (a crash mid-seed leaves an unfinished seed, which is re-seeded anyway). Strategy runs use new
   * connections with the server's own settings.
   */
  readonly loadSession = {
    before: ["SET maintenance_work_mem = '256MB'", 'SET synchronous_commit = off'],
    after: [
      'RESET maintenance_work_mem',
      'RESET synchronous_commit',
      'RESET max_parallel_maintenance_workers',
    ],
  }

  /** Parallel index builds: the build's own process and `cores - 1` workers, at most the server's setting. */
  indexBuildCores(cores: number): string[] {
    const workers = Math.max(0, Math.floor(cores) - 1)
    return [
      `SELECT set_config('max_parallel_maintenance_workers', LEAST(reset_val::int, ${workers})::text, false) FROM pg_settings WHERE name = 'max_parallel_maintenance_workers'`,
    ]
  }
  readonly loadTable = postgresLoadTable
  readonly cost = postgresCost
  readonly work = postgresWorkCounters
  readonly clientProtocol = 'postgresql' as const
  readonly externalTools: ReadonlySet<ExternalTool> = new Set()
  readonly statementCountersUnavailable =
    'PostgreSQL counts statements only with the pg_stat_statements extension, which delbench does not require'
  readonly plans = postgresPlans
  readonly sessionIdSql = 'SELECT pg_backend_pid()'
  readonly loadConnections = 2
  readonly advisoryLockSql = postgresLockSql
  readonly replication = postgresReplication
  readonly tableSwap = postgresTableSwap
  readonly looseForeignKeys = postgresLooseForeignKeys
  readonly memoryNote = SERVER_MEMORY_NOTE
  readonly referenceLoader = pgbenchLoader

  /**
   * Every session in UTC: timestamptz values are read back as UTC text, and timestamp parameters
   * (targets, traffic) compared with timestamptz columns mean the same instant on every server.
   */
  sessionSetup(): string[] {
    return ["SET TimeZone = 'UTC'"]
  }

  acquireLock(
    conn: Connection,
    name: string,
    capabilities: Pick<Capabilities, 'advisoryLock'>,
  ): Promise<() => Promise<void>> {
    return acquireNamedLock(conn, postgresLockSql, name, capabilities)
  }

  isRetryable(error: unknown): boolean {
    return isPostgresRetryable(error)
  }

  async introspect(conn: Connection): Promise<{ server: ServerInfo; capabilities: Capabilities }> {
    const versionString = await scalar(conn, 'SELECT version()')
    const detected = detectPostgresProduct(versionString)
    const { rows } = await conn.query<{ name: string; setting: string; unit: string | null }>(
      'SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1) ORDER BY name',
      [SETTINGS],
    )
    const settings = Object.fromEntries(
      rows.map((r) => [r.name, r.unit ? `${r.setting} (${r.unit})` : r.setting]),
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
        maxParams: POSTGRES_MAX_PARAMS,
        deleteLimit: await probeDeleteLimit(conn),
        skipLocked: await probeSkipLocked(conn),
        advisoryLock: await probeAdvisoryLock(conn, postgresLockSql),
        transactionalDdl: await probeTransactionalDdl(conn, postgresAdapter),
        singleWriter: false,
      },
    }
  }
}
