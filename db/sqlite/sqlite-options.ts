/** SQLite journal modes (`PRAGMA journal_mode`). */
export const SQLITE_JOURNAL_MODES = ['delete', 'truncate', 'persist', 'memory', 'wal', 'off'] as const
export type SqliteJournalMode = (typeof SQLITE_JOURNAL_MODES)[number]

/** SQLite synchronous levels (`PRAGMA synchronous`). */
export const SQLITE_SYNCHRONOUS_LEVELS = ['off', 'normal', 'full', 'extra'] as const
export type SqliteSynchronous = (typeof SQLITE_SYNCHRONOUS_LEVELS)[number]

/**
 * Durability settings. Unset means SQLite's own defaults (rollback journal DELETE, synchronous FULL):
 * they change per-row delete times by two orders of magnitude, so delbench never picks them silently.
 */
export interface SqliteOptions {
  readonly journal?: SqliteJournalMode
  readonly synchronous?: SqliteSynchronous
}
