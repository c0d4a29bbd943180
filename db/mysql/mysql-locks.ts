import type { AdvisoryLockSql } from '../advisory-lock.js'

/** MySQL lock names are at most 64 characters. */
export const MYSQL_LOCK_NAME_MAX = 64

/** `GET_LOCK(name, 0)`: a named server lock, taken without waiting, and its release. */
export const mysqlLockSql: AdvisoryLockSql = {
  take: 'SELECT GET_LOCK(?, 0) AS locked',
  release: 'SELECT RELEASE_LOCK(?)',
}

/** ER_LOCK_DEADLOCK (1213) and ER_LOCK_WAIT_TIMEOUT (1205): a batch may be retried. */
export function isMysqlRetryable(error: unknown): boolean {
  const errno = Number((error as { errno?: unknown })?.errno ?? 0)
  return errno === 1213 || errno === 1205
}
