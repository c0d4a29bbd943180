import type { ClientDetails } from '../db/client-details.js'
import type { Capabilities, Dialect } from '../db/dialect.js'
import type { StatementKind } from '../db/statement-kind.js'
import type { Connection } from '../db/connection.js'
import type { InstrumentedConnection } from '../db/instrumented-connection.js'
import type { CellValue, TableSpec } from '../core/table-spec.js'
import type { DeletionPlan } from '../scenarios/deletion-plan.js'
import type { CallbackSpec, Scenario } from '../scenarios/scenario.js'
import type { PortableSql } from '../scenarios/target-sql.js'
import type { SignalBus } from './signals.js'

/** Options a strategy may read; numeric ones can be swept (`--batch-size 100,1000`). */
export interface StrategyOptions {
  /** Rows per batch for `batched` and `limit-loop`; `adaptive-batched`'s first; `loose-fk`'s keys per table per pass (default 1000). */
  readonly batchSize: number
  /** Pause between batches, in milliseconds (default 0). */
  readonly sleepMs: number
  /** Connections deleting side by side, for `parallel-batched` (default 2). */
  readonly workers: number
  /** The time each batch of `adaptive-batched` is sized to take, in milliseconds (default 500, pt-osc's). */
  readonly chunkTimeMs: number
  /** Replica lag above which throttled strategies pause, in ms (`--max-lag`; DEFAULT_MAX_LAG_MS). */
  readonly maxLagMs?: number
  /**
   * How long a throttled strategy pauses at most before it fails (lag unknown or too high), and how
   * long the harness waits for replicas to catch up, in ms (`--lag-wait`; DEFAULT_LAG_WAIT_MS). Not swept.
   */
  readonly lagWaitMs?: number
  /** pt-archiver deletes each chunk with one DELETE (`--bulk-delete`) instead of row by row (default off). */
  readonly bulkDelete?: boolean
}

/** One batch of a loop that sizes its batches as it goes (`adaptive-batched`). */
export interface BatchRecord {
  /** The target rows the batch was given. */
  readonly size: number
  /** The target rows it found (fewer than `size` only at the end). */
  readonly rows: number
  /** Its time: selecting the keys and the transaction that deleted them, in milliseconds. */
  readonly ms: number
}

/** pt-archiver's default `--max-lag` (1 s). */
export const DEFAULT_MAX_LAG_MS = 1000
/** How long a replica may stay behind (or unknown) before a throttled run fails, by default. */
export const DEFAULT_LAG_WAIT_MS = 60_000

/** What a strategy's `unsupported` check may look at besides the dialect and the plan. */
export interface StrategySetting {
  readonly scenario: Scenario
  /** The scenario's tables as created (knobs applied: partitioning, indexes, FK actions). */
  readonly tables: readonly TableSpec[]
  /** How many replicas the run measures (`--replica`): throttling on lag needs at least one. */
  readonly replicas?: number
}

/** Everything a strategy gets to do its work. It knows the connection interface, never a driver. */
export interface StrategyContext {
  /** The one instrumented connection: every statement it sends is counted. */
  readonly conn: InstrumentedConnection
  readonly dialect: Dialect
  readonly capabilities: Capabilities
  readonly scenario: Scenario
  /** The scenario's tables as created (knobs applied). */
  readonly tables: readonly TableSpec[]
  /** The FK-graph plan: dependents of the target, children first. */
  readonly plan: DeletionPlan
  /** The target predicate on the root table, as portable SQL (`?` placeholders), with its parameters. */
  readonly target: { readonly where: string; readonly params: readonly CellValue[] }
  readonly callbacks: readonly CallbackSpec[]
  /** The timestamp a `touch` callback writes: one value per run, so verification can check it. */
  readonly deletedAt: string
  readonly options: StrategyOptions
  /** Pre- and post-delete signals to the scenario's registered receivers (in-process, like an ORM's). */
  readonly signals: SignalBus
  /** Takes the single-runner lock (advisory lock, GET_LOCK or a lock file); resolves to its release. */
  acquireLock(name: string): Promise<() => Promise<void>>
  /** Runs portable SQL (`?` placeholders) on `conn`, or on `on` (a transaction's connection). */
  run(statement: PortableSql, on?: Connection): Promise<{ rows: Record<string, unknown>[]; affected: number }>
  /**
   * Opens another connection on the working database (a parallel worker's). Its statements count
   * toward this run's; the strategy closes it (the harness closes any it left open).
   */
  openConnection(): Promise<InstrumentedConnection>
  /**
   * Records a figure of the strategy's own, in milliseconds or a count (`writesBlockedMs`, say): the
   * first iteration's go into the results file and the report.
   */
  record(name: string, value: number): void
  /** Records one batch of a self-sizing loop; the harness stamps when it ended (first iteration's go to the results). */
  recordBatch(batch: BatchRecord): void
  /** Records the length of a queue of work left now (loose-fk's cleanup backlog); stamped like a batch. */
  recordBacklog(length: number): void
  /** Reports rows deleted so far (all tables), for progress curves and timeout projections. */
  progress(rowsDeleted: number): void
  /** Aborted when the run's budget is spent: strategies stop at the next statement. */
  readonly abort: AbortSignal
  /**
   * The worst replication lag over the run's replicas now, in ms (sampled every 100 ms), or undefined
   * when a replica's lag is unknown (unreadable, replication stopped). Absent where the run has no
   * replicas (`--replica`): a capability, so any strategy can throttle on it.
   */
  readonly replicaLag?: () => Promise<number | undefined>
  /**
   * How a client of the strategy's own (an external program, an ORM's connections) reaches the working
   * database. Its statements bypass `conn`: declare `ownClient` and report them (`reportStatements`).
   */
  client(): ClientDetails
  /**
   * Adds statements the strategy's own client sent, from that client's own report (a tool's statistics,
   * an ORM's logger); `source` says which, in a few words. Called once per report; the counts add up.
   */
  reportStatements(counts: Partial<Record<StatementKind, number>>, source: string): void
}

/**
 * What the harness counts for a strategy that drives a client of its own (`ownClient`): the statements it
 * reported (`tool`), else the server's own statement counters over the run (`server`), else none.
 */
export type StatementsSource = 'tool' | 'server' | 'none'

/**
 * One way of deleting the target. Implementations are small modules: a name, a line of description,
 * an optional reason why they cannot run somewhere, and `run`.
 */
export interface Strategy {
  /** Lower-case name, unique among strategies (`per-row`, `batched`, ...). */
  readonly name: string
  /** One line: what the strategy does and what it models. */
  readonly description: string
  /**
   * The options the strategy reads: a sweep (`--batch-size 100,1000`) runs it once per value of these
   * only. Absent means it may read any.
   */
  readonly reads?: readonly (keyof StrategyOptions)[]
  /** Why the strategy cannot run on this dialect, plan and setting, or undefined when it can. */
  unsupported?(
    dialect: Dialect,
    capabilities: Capabilities,
    plan: DeletionPlan,
    setting: StrategySetting,
  ): string | undefined
  /**
   * The strategy drives a client of its own (`ctx.client()`) besides or instead of `ctx.conn`: its
   * statements are counted from its report (`ctx.reportStatements`), else from the server's counters.
   */
  readonly ownClient?: boolean
  /** Deletes the target (and its dependents, and applies callbacks, as the strategy defines). */
  run(ctx: StrategyContext): Promise<void>
}
