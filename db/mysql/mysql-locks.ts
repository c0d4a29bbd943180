import type { Connection } from '../connection.js'
import type { Capabilities } from '../dialect.js'
import { DelbenchError } from '../../core/errors.js'
import { takeAdvisoryLock, type AdvisoryLockSql } from '../advisory-lock.js'
import { acquireLockFile } from '../lock-file.js'

/** `GET_LOCK(name, 0)`: a named server lock, taken without waiting, and its release. */
export const mysqlLockSql: AdvisoryLockSql = {
  take: 'SELECT GET_LOCK(?, 0) AS locked',
  release: 'SELECT RELEASE_LOCK(?)',
}

/** The named lock, taken without waiting so overlap is reported; a lock file where there is none. */
export async function acquireMysqlLock(
  conn: Connection,
  name: string,
  capabilities?: Pick<Capabilities, 'advisoryLock'>,
): Promise<() => Promise<void>> {
  if (capabilities?.advisoryLock === false) return acquireLockFile(name)
  // MySQL lock names are at most 64 characters.
  const release = await takeAdvisoryLock(conn, mysqlLockSql, name.slice(0, 64))
  if (!release)
    throw new DelbenchError(`another cleanup holds the lock ${name}: two cleanups must not overlap`)
  return release
}

/** ER_LOCK_DEADLOCK (1213) and ER_LOCK_WAIT_TIMEOUT (1205): a batch may be retried. */
export function isMysqlRetryable(error: unknown): boolean {
  const errno = Number((error as { errno?: unknown })?.errno ?? 0)
  return errno === 1213 || errno === 1205
}
