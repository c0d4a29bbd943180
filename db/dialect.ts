import type { Connection, DriverSession } from './connection.js'
import type { InstrumentedConnection } from './instrumented-connection.js'
import type { CostProbe } from './cost.js'
import type { StatementCounterProbe, WorkCounterProbe } from './work-counters.js'
import type { QueryPlanner } from './query-plans.js'
import type { ServerAddress } from './database-url.js'
import type { AdvisoryLockSql } from './advisory-lock.js'
import type { LooseForeignKeySql } from './loose-foreign-keys.js'
import type { ReplicationProbe } from './replication.js'
import type { ClientDetails } from './client-details.js'
import type { CellValue, TableSpec } from '../core/table-spec.js'
import type { CopyMethod } from '../core/copy-method.js'

export type { CopyMethod } from '../core/copy-method.js'

export const DIALECT_NAMES = ['sqlite', 'postgres', 'mysql'] as const
export type DialectName = (typeof DIALECT_NAMES)[number]

/** One value per dialect: a missing dialect is a compile error. */
export type PerDialect<T> = Readonly<Record<DialectName, T>>

/** What a dialect can do; probed on the live server where a probe is possible, never guessed. */
export interface Capabilities {
  /** Most bind parameters one statement may carry. */
  readonly maxParams: number
  /** `DELETE ... LIMIT n` works natively (probed by running one on a scratch table). */
  readonly deleteLimit: boolean
  /**
   * The server has named advisory locks (`pg_try_advisory_lock`, `GET_LOCK`; probed by taking one).
   * Where it has none (SQLite), the single-runner lock is a lock file: it keeps runs apart on this
   * machine only.
   */
  readonly advisoryLock: boolean
  /**
   * DDL can be rolled back with the transaction around it (probed by rolling back a CREATE TABLE): a
   * table swap done in one transaction needs it.
   */
  readonly transactionalDdl: boolean
  /** One writer at a time for the whole database (SQLite): parallel writers only take turns. */
  readonly singleWriter: boolean
  /**
   * `SELECT … FOR UPDATE SKIP LOCKED` runs (probed on a temporary table): a queue's workers can claim
   * entries without waiting on one another.
   */
  readonly skipLocked: boolean
}

/** The database product behind a connection, as detected from its own version string. */
export interface ServerInfo {
  /** e.g. `PostgreSQL`, `MariaDB`, `MySQL`, `SQLite`, `CockroachDB`, `TiDB`. */
  readonly product: string
  /** The product's version number, e.g. `15.20` or `10.11.19`. */
  readonly version: string
  /** The server's full version string, verbatim. */
  readonly versionString: string
  /** Durability and isolation settings in force (journal mode, fsync, flush at commit, ...). */
  readonly settings: Readonly<Record<string, string>>
  /** Differences from the stock product worth knowing when reading results (one line each). */
  readonly notes: readonly string[]
}

/** The SQL syntax of a dialect: small, pure, no connection needed. */
export interface SqlAdapter {
  /** The placeholder for the i-th parameter, counting from 1: `$1` or `?`. */
  placeholder(index: number): string
  /** Quotes an identifier (table, column, database name). */
  quote(identifier: string): string
  /** A statement whose single row has a column `found` > 0 when `table` exists in the current database. */
  tableExistsSql(table: string): string
  /** The statement that opens a transaction (plain `BEGIN` where unset). */
  readonly beginSql?: string
  /**
   * A DELETE of the rows of `table` whose `column` equals the `id` of a key-table row (aliased `k`)
   * meeting `where`, written as a join (`DELETE … USING`, a multi-table DELETE). Absent where DELETE
   * cannot join (SQLite): callers use `IN (SELECT …)` there.
   */
  deleteJoining?(join: JoiningDelete): string
  /**
   * A value as an SQL literal, for a client that takes SQL text only (pt-archiver's `--where`). Absent
   * where no such client is driven.
   */
  literal?(value: CellValue): string
}

/** What `SqlAdapter.deleteJoining` deletes. */
export interface JoiningDelete {
  /** The table rows are deleted from. */
  readonly table: string
  /** Its column holding the key-table's ids. */
  readonly column: string
  /** The key table (one column, `id`), aliased `k`. */
  readonly keys: string
  /** A condition on `k.id` choosing the keys (with `?` placeholders). */
  readonly where: string
}

/** What a table swap is given: the table, its copy's name, and the statements only the caller knows. */
export interface SwapJob {
  /** The table whose surviving rows are copied and swapped in under its name. */
  readonly table: TableSpec
  /** The copy's name until the swap. */
  readonly copy: string
  /** Other tables written while writers wait (parents the `touch` callbacks update). */
  readonly touched: readonly string[]
  /** The connection the swap runs on. */
  readonly conn: Connection
  /** Opens a second connection on the same database (for a cut-over that needs two sessions). */
  openConnection(): Promise<Connection>
  /** Applies the caller's set-based callbacks on `on`, once writers are held off. */
  touch(on: Connection): Promise<void>
  /** Copies the rows that stay from the table into the copy, on `on`. */
  copySurvivors(on: Connection): Promise<void>
  /** Aborts the swap between its long steps. */
  readonly abort: AbortSignal
}

/** Copying survivors into a new table and swapping it in under the old name, with the dialect's lock protocol. */
export interface TableSwap {
  /** Why `table` cannot be swapped in here (a server without transactional DDL, FK names), or undefined. */
  refused(table: TableSpec, capabilities: Capabilities): string | undefined
  /** Swaps the copy in and drops the old table; resolves to how long writers were held off, in ms. */
  swap(job: SwapJob): Promise<number>
}

/** An external loader shipped with the product (pgbench -i), the reference rate for seeding. */
export interface ReferenceLoader {
  /** Whether the tool is installed on this machine. */
  available(): Promise<boolean>
  /** The tables it loads (to weigh what it wrote). */
  readonly tables: readonly string[]
  /**
   * Loads about `rows` rows into the empty database `database` of the server at `address`; resolves to
   * the tool's scale and the rows it loaded.
   */
  load(address: ServerAddress, database: string, rows: number): Promise<{ scale: number; rows: number }>
}

/**
 * DDL for a scenario's tables, split so each dialect loads fastest: what can be added after the rows
 * are in (primary keys on PostgreSQL, secondary indexes, foreign keys) is left out of `createTable`.
 */
export interface SchemaBuilder {
  createTable(table: TableSpec): string[]
  /** Primary key (if deferred), secondary indexes and FK-backing indexes; after every table is loaded. */
  indexTable(table: TableSpec): string[]
  /** Foreign keys (if deferred); after every table is indexed. */
  constrainTable(table: TableSpec): string[]
  /** Planner statistics, so plans after seeding are those of a live table (autovacuum may be off). */
  analyzeTable(table: TableSpec): string[]
  /**
   * Whether adding the foreign keys after the load validated every row (PostgreSQL). Where they were
   * added with checks off (MySQL) or loaded with checks off (SQLite), the seeder checks for orphans.
   */
  readonly validatesForeignKeys: boolean
  /** Whether a foreign key can exist without an index on its column (InnoDB always makes one). */
  readonly unindexedForeignKeys: boolean
  /**
   * Why tables cannot be range-partitioned here (SQLite has no partitioning; InnoDB partitioned tables
   * take no foreign keys), or undefined where `createTable` honours `partitions`.
   */
  partitioningRefused(tables: readonly TableSpec[]): string | undefined
  /** Removes one partition of a partitioned table with its rows, the cheapest way the dialect has. */
  dropPartition?(table: TableSpec, partition: string): string[]
}

/** Opens raw sessions on one server (or SQLite directory) and manages its databases, with no checks. */
export interface Provisioner {
  /** Whether the server runs on this machine (a loopback host or a socket; SQLite always). */
  readonly onThisMachine: boolean
  /** Names of the databases on the server that start with `prefix`. */
  listDatabases(prefix: string): Promise<string[]>
  /** Creates an empty database; fails if it exists. */
  createDatabase(name: string): Promise<void>
  /**
   * Creates `target` as an exact copy of `source` (schema, rows, marker), the fastest way the dialect
   * has; resolves to how (`clone`, or where the dialect has another way, that).
   */
  cloneDatabase(source: string, target: string): Promise<CopyMethod>
  /**
   * Brings an existing copy back to equal `source` by repairing only what differs, where the dialect has
   * no cheap full copy (MySQL). Resolves to how it did, or undefined when it could not prove the copy exact.
   */
  refreshDatabase?(
    source: string,
    target: string,
    tables: readonly TableSpec[],
  ): Promise<CopyMethod | undefined>
  /** Opens a session on a database. */
  connect(name: string): Promise<DriverSession>
  /** How a client of a strategy's own reaches a database (an external program, an ORM). */
  clientDetails(name: string): ClientDetails
  /** Drops a database. */
  dropDatabase(name: string): Promise<void>
  /**
   * Takes a server-wide named lock without waiting (an advisory lock, `GET_LOCK`, a lock file beside the
   * databases) and resolves to its release, or to undefined while another session holds it. Nothing is
   * read or written: it is how two delbench processes agree who seeds a shared database.
   */
  tryLock(name: string): Promise<(() => Promise<void>) | undefined>
  /**
   * Bytes free where the server keeps its data, when that is on this machine and readable from here
   * (a local server's data directory, SQLite's folder); undefined otherwise.
   */
  freeBytes(): Promise<number | undefined>
  /**
   * Writes what the server holds in memory to its files now (PostgreSQL's CHECKPOINT), so that a timing
   * begun next does not pay for writes the step before left behind. Absent where the server offers no
   * such request (InnoDB flushes in the background; SQLite's writes are the client's own). Rejects where
   * the user may not ask it.
   */
  flushWrites?(): Promise<void>
  /**
   * Ends every session working on or creating the database `name` (connected to it, or running a
   * statement that names it: a template copy under way), so it can be dropped for good. Only ever
   * called with the random name of one of delbench's own working copies. With `only`, just those of
   * the sessions connected to it: a session id the server has since given to another client elsewhere
   * (PostgreSQL's ids are process ids, reused) is never ended.
   */
  endSessionsOn?(name: string, only?: readonly number[]): Promise<void>
  close(): Promise<void>
}

/** An external deletion tool delbench can run as a strategy. */
export type ExternalTool = 'pt-archiver'

/** A dialect is a factory for its small role objects (after Kysely). */
export interface Dialect {
  readonly name: DialectName
  readonly adapter: SqlAdapter
  readonly schema: SchemaBuilder
  /** Statements run on every new connection before anything is counted (durability pragmas, ...). */
  sessionSetup(): string[]
  /** Connections that may load tables at once: 1 where the database has a single writer (SQLite). */
  readonly loadConnections: number
  /** Session statements before a seed load (e.g. FK checks off) and after it (back on). */
  readonly loadSession: { readonly before: readonly string[]; readonly after: readonly string[] }
  /**
   * Statements before one table's index builds in a seed load that let each build use up to `cores`
   * cores of the server (PostgreSQL's parallel builds, never beyond the server's own setting; the load
   * session's `after` resets it). Absent where a build cannot be spread.
   */
  indexBuildCores?(cores: number): string[]
  /**
   * Creates a table (`schema.createTable`) and loads rows (in column order) by the dialect's fastest
   * path; returns the rows the server reports loaded. `batches` makes a fresh stream of the rows each
   * time it is called: a loader that must start a table over (PostgreSQL's binary COPY meeting a value
   * only text can carry) asks again.
   */
  loadTable(
    conn: InstrumentedConnection,
    table: TableSpec,
    batches: () => Iterable<readonly CellValue[][]>,
    /**
     * Columns every row holds the same value in (a constant generator), by name: a loader may have the
     * server fill them instead of sending the value with every row (the rows still carry it).
     */
    constants?: ReadonlyMap<string, CellValue>,
  ): Promise<number>
  /**
   * Takes a named single-runner lock without waiting and resolves to its release; rejects when another
   * session holds it (`pg_try_advisory_lock`, `GET_LOCK`, an exclusive lock file for SQLite). Where the
   * server's `capabilities` say it has no advisory locks, the lock is a file on this machine.
   */
  acquireLock(
    conn: Connection,
    name: string,
    capabilities: Pick<Capabilities, 'advisoryLock'>,
  ): Promise<() => Promise<void>>
  /**
   * The statements that take (without waiting) and release the named advisory lock `acquireLock` takes,
   * the name their one parameter; absent where the lock is a file.
   */
  readonly advisoryLockSql?: AdvisoryLockSql
  /** Whether an error is a deadlock or lock timeout, after which a batch may be retried. */
  isRetryable(error: unknown): boolean
  /** Log bytes and table sizes, to report what a deletion costs the database. */
  readonly cost: CostProbe
  /** The database's own work counters around a deletion (handler reads, tuples, blocks, WAL). */
  readonly work: WorkCounterProbe
  /** A statement's plan without running it, and the tables it reads whole. */
  readonly plans: QueryPlanner
  /**
   * The wire protocol a client of a strategy's own speaks to this database: `mysql` (MySQL, MariaDB:
   * the Percona Toolkit's tools), `postgresql`, or `file` (an embedded engine's file, opened in-process).
   */
  readonly clientProtocol: 'mysql' | 'postgresql' | 'file'
  /** The external deletion tools that can work on this database (pt-archiver speaks MySQL's protocol). */
  readonly externalTools: ReadonlySet<ExternalTool>
  /**
   * The server's own statement counters, for statements a strategy's own client sent (no tool report);
   * absent, with the reason in `statementCountersUnavailable`, where the server keeps none.
   */
  readonly statementCounters?: StatementCounterProbe
  /** Why the server's statement counters cannot count a client of a strategy's own here. */
  readonly statementCountersUnavailable?: string
  /** A query returning this session's server-side id in its first column (none for SQLite). */
  readonly sessionIdSql?: string
  /** Copying survivors into a new table and swapping it in (copy-swap), with this dialect's locks. */
  readonly tableSwap: TableSwap
  /** A queue table, delete triggers and dropped foreign keys for loose foreign keys (loose-fk). */
  readonly looseForeignKeys: LooseForeignKeySql
  /** What the client process's memory figures take in: an embedded engine's memory is the client's. */
  readonly memoryNote: string
  /** The product's own bulk loader, as a reference rate for seeding; absent where there is none. */
  readonly referenceLoader?: ReferenceLoader
  /** Replication as the server sees it, for `--replica`; absent where there is none (SQLite). */
  readonly replication?: ReplicationProbe
  /** Detects the product, version, settings and capabilities over an open connection to an own database. */
  introspect(conn: Connection): Promise<{ server: ServerInfo; capabilities: Capabilities }>
}
