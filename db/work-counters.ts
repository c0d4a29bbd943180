import type { QueryResult, Row } from './connection.js'
import type { StatementKind } from './statement-kind.js'

/** A strategy session the harness may read without its statements being counted. */
export interface ProbedSession {
  probe<R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>
}

/**
 * The database's own count of the work a deletion did (rows read by handlers, tuples fetched, blocks
 * touched, log records), read before and after it: figures that, unlike time, hardly move between runs.
 */
export interface WorkCounterProbe {
  /** Why the database's work cannot be counted here; absent where it can. */
  readonly unavailable?: string
  /**
   * `sessions`: the counters belong to one session, read on each of the strategy's sessions when it
   * opens and before it closes, and the differences summed (MySQL's session status). `database`: they
   * cover the whole working database, made current by `flush` on every strategy session before it
   * closes, and read on the strategy's main session before and after (PostgreSQL's statistics views).
   */
  readonly scope: 'sessions' | 'database'
  /** Reads the counters on `session`; read them only where `unavailable` is absent. */
  read(session: ProbedSession): Promise<Record<string, number>>
  /** Makes the session's work so far visible to `read` on any session (statistics flushed). */
  flush?(session: ProbedSession): Promise<void>
  /** Counters that are the same for the same strategy, data and server version, run after run. */
  readonly deterministic: readonly string[]
  /**
   * Those of `deterministic` that stay so while several sessions of one strategy work at once (parallel
   * workers): what each session's reads see then depends on how their statements interleave.
   */
  readonly deterministicWithWorkers: readonly string[]
  /** One line on what the counters cover, for the results file. */
  readonly note: string
}

/**
 * The server's own count of statements by kind (MySQL's `Com_*`), read before and after a strategy whose
 * client of its own sent statements delbench's connection never saw. Server-wide: what other sessions
 * sent meanwhile (foreground traffic) is counted too, as `note` says.
 */
export interface StatementCounterProbe {
  /** Statements counted so far, by kind (`other`: the rest, from the server's total). */
  read(session: ProbedSession): Promise<Readonly<Record<StatementKind, number>>>
  /** One line on what the count covers. */
  readonly note: string
}
