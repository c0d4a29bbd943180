import type { Connection, CopyChunk, DriverSession, QueryResult, Row } from './connection.js'
import { classifyStatement, STATEMENT_KINDS, type StatementKind } from './statement-kind.js'
import { StatementProfile, type TemplateFigures } from './statement-profile.js'

/** Exact statement counts by kind, with their total (results file field `statements`). */
export type StatementCounts = Readonly<Record<StatementKind | 'total', number>>

/** What the instrumentation has counted since the last reset. */
export interface Counters {
  readonly statements: StatementCounts
  /** Trips to the server and back (calls into the engine for SQLite). */
  readonly roundTrips: number
}

/** One executed statement, as handed to a `--log-sql` logger. */
export interface SqlLogEntry {
  readonly sql: string
  readonly params: readonly unknown[]
  readonly kind: StatementKind
  readonly ms: number
  readonly affected: number
  readonly rows: number
  readonly error?: string
}

export type SqlLogger = (entry: SqlLogEntry) => void

export class TransactionNestingError extends Error {
  constructor() {
    super('transactions do not nest: this connection is already inside a transaction')
    this.name = 'TransactionNestingError'
  }
}

interface Tally {
  counts: Record<StatementKind | 'total', number>
  roundTrips: number
  profile: StatementProfile
  /** Whether statements are profiled (off only to measure what profiling costs). */
  profiling: boolean
}

function zeroCounts(): Record<StatementKind | 'total', number> {
  const counts = { total: 0 } as Record<StatementKind | 'total', number>
  for (const kind of STATEMENT_KINDS) counts[kind] = 0
  return counts
}

/**
 * The single choke point every statement passes through. It counts statements by kind and round trips
 * exactly, and logs each statement when a logger is attached. Transactions are plain BEGIN / COMMIT /
 * ROLLBACK statements sent through the same path, so they are counted like any other statement.
 */
export class InstrumentedConnection implements Connection {
  readonly #session: DriverSession
  readonly #logger: SqlLogger | undefined
  /** Shared with the connections that count into this one (`countInto`). */
  #tally: Tally = { counts: zeroCounts(), roundTrips: 0, profile: new StatementProfile(), profiling: true }
  #inTransaction = false
  #closed = false
  /** Run before the session closes, whoever closes it (the harness reads session counters there). */
  readonly #beforeClose: (() => Promise<void>)[] = []

  readonly #beginSql: string
  constructor(session: DriverSession, logger?: SqlLogger, beginSql = 'BEGIN') {
    this.#session = session
    this.#logger = logger
    this.#beginSql = beginSql
  }

  async query<R = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    return this.#send(sql, params, async () => (await this.#session.execute(sql, params)) as QueryResult<R>)
  }

  /** Whether this connection has a streaming bulk-load path (`copyIn`). */
  get canCopyIn(): boolean {
    return this.#session.copyIn !== undefined
  }

  /** One bulk-load statement fed from a stream: counted as one statement and one round trip. */
  async copyIn(sql: string, chunks: Iterable<CopyChunk> | AsyncIterable<CopyChunk>): Promise<number> {
    const copy = this.#session.copyIn?.bind(this.#session)
    if (!copy) throw new Error('this driver has no streaming bulk-load path')
    const result = await this.#send(sql, [], async () => ({ rows: [], affected: await copy(sql, chunks) }))
    return result.affected
  }

  async #send<R>(
    sql: string,
    params: readonly unknown[],
    run: () => Promise<QueryResult<R>>,
  ): Promise<QueryResult<R>> {
    if (this.#closed) throw new Error('query on a closed connection')
    const kind = classifyStatement(sql)
    this.#tally.counts[kind]++
    this.#tally.counts.total++
    this.#tally.roundTrips++
    const started = performance.now()
    const profile = this.#tally.profiling ? this.#tally.profile : undefined
    const ticket = profile?.start(sql, params, kind, started)
    try {
      const result = await run()
      const ms = performance.now() - started
      // A DELETE ... RETURNING both affects and returns its rows: they are counted once.
      profile?.add(sql, params, kind, ms, Math.max(result.affected, result.rows.length), ticket)
      this.#log(sql, params, kind, ms, result.affected, result.rows.length)
      return result
    } catch (error) {
      const ms = performance.now() - started
      profile?.add(sql, params, kind, ms, 0, ticket)
      this.#log(sql, params, kind, ms, 0, 0, error instanceof Error ? error.message : String(error))
      throw error
    }
  }

  /**
   * Runs a statement of the harness's own on this session (reading its status counters, flushing its
   * statistics), outside every count and profile: it is not the strategy's work.
   */
  async probe<R = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    if (this.#closed) throw new Error('query on a closed connection')
    return (await this.#session.execute(sql, params)) as QueryResult<R>
  }

  /** Runs `fn` just before the session closes, whether the strategy or the harness closes it. */
  beforeClose(fn: () => Promise<void>): void {
    this.#beforeClose.push(fn)
  }

  async transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T> {
    if (this.#inTransaction) throw new TransactionNestingError()
    this.#inTransaction = true
    try {
      await this.query(this.#beginSql)
      let result: T
      try {
        result = await fn(this)
      } catch (error) {
        await this.query('ROLLBACK')
        throw error
      }
      await this.query('COMMIT')
      return result
    } finally {
      this.#inTransaction = false
    }
  }

  /** The counts so far, as an immutable copy. */
  counters(): Counters {
    return { statements: Object.freeze({ ...this.#tally.counts }), roundTrips: this.#tally.roundTrips }
  }

  /** The statements so far grouped by template, most total time first (shared ones included). */
  profile(): TemplateFigures[] {
    return this.#tally.profile.figures()
  }

  /** Stops profiling statements (here and in the connections counting into this one): `bench-overhead` measures what the profile costs. */
  stopProfiling(): void {
    this.#tally.profiling = false
  }

  /**
   * The profile so far with the statements under way counted at their time so far, and how many are:
   * what a run stopped mid-statement reports.
   */
  profileNow(): { readonly templates: TemplateFigures[]; readonly running: number } {
    const profile = this.#tally.profile
    return { templates: profile.figures(performance.now()), running: profile.running }
  }

  /** Starts counting from zero (e.g. after setup, before the timed strategy), shared counts included. */
  resetCounters(): void {
    this.#tally.counts = zeroCounts()
    this.#tally.roundTrips = 0
    this.#tally.profile = new StatementProfile()
  }

  /**
   * From now on this connection's statements are counted in `main`'s counters (and only there): a
   * strategy's extra connections (parallel workers) count toward its one run.
   */
  countInto(main: InstrumentedConnection): void {
    this.#tally = main.#tally
  }

  get inTransaction(): boolean {
    return this.#inTransaction
  }

  async close(): Promise<void> {
    if (this.#closed) return
    try {
      for (const fn of this.#beforeClose.splice(0)) await fn()
    } finally {
      this.#closed = true
      await this.#session.close()
    }
  }

  #log(
    sql: string,
    params: readonly unknown[],
    kind: StatementKind,
    ms: number,
    affected: number,
    rows: number,
    error?: string,
  ): void {
    if (!this.#logger) return
    this.#logger(
      error === undefined
        ? { sql, params, kind, ms, affected, rows }
        : { sql, params, kind, ms, affected, rows, error },
    )
  }
}

/** The difference of two counter snapshots (`after - before`), e.g. one strategy iteration's share. */
export function countersBetween(before: Counters, after: Counters): Counters {
  const statements = zeroCounts()
  for (const key of Object.keys(statements) as (StatementKind | 'total')[]) {
    statements[key] = after.statements[key] - before.statements[key]
  }
  return { statements: Object.freeze(statements), roundTrips: after.roundTrips - before.roundTrips }
}
