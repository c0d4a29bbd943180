import type { SqliteOptions } from '../db/sqlite/sqlite-options.js'

/**
 * What a traffic process needs for a whole run: the database and the scenario whose traffic specs it
 * runs. Each iteration then begins it on that iteration's working copy and stops it.
 */
export interface TrafficJob {
  readonly db: string
  readonly sqlite: SqliteOptions
  readonly scenario: string
  readonly scale: number
  readonly seed: number
}

/** What the run tells its traffic process. */
export type TrafficCommand =
  /** Open the streams' connections on this working copy and start sending. */
  | { readonly type: 'begin'; readonly working: string }
  /** Stop sending, report the figures, close the connections, wait for the next begin. */
  | { readonly type: 'stop' }

/** Latency of one traffic stream during a deletion, measured from each operation's intended start. */
export interface TrafficStats {
  readonly name: string
  /** Intended operations per second. */
  readonly rate: number
  readonly intended: number
  readonly completed: number
  /** Operations still waiting when the deletion ended (counted in the percentiles at their wait so far). */
  readonly pending: number
  /** Failed operations by kind: deadlock, lock timeout, database busy, other. */
  readonly errors: Readonly<Record<string, number>>
  /** The first failure's message, so a reader can tell a lock timeout from a broken statement. */
  readonly firstError?: string
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
  readonly elapsedMs: number
}

export type TrafficMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'stats'; readonly stats: TrafficStats[] }
  | { readonly type: 'error'; readonly message: string }
