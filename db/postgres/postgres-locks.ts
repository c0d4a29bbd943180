import type { Connection } from '../connection.js'
import type { Capabilities } from '../dialect.js'
import { DelbenchError } from '../../core/errors.js'
import { takeAdvisoryLock, type AdvisoryLockSql } from '../advisory-lock.js'
import { acquireLockFile } from '../lock-file.js'

/** A session advisory lock keyed by the name's hash, taken without waiting, and its release. */
export const postgresLockSql: AdvisoryLockSql = {
  take: 'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
  release: 'SELECT pg_advisory_unlock(hashtext($1))',
}

/** The advisory lock, taken without waiting so overlap is reported; a lock file where there is none. */
export async function acquirePostgresLock(
  conn: Connection,
  name: string,
  capabilities?: Pick<Capabilities, 'advisoryLock'>,
): Promise<() => Promise<void>> {
  if (capabilities?.advisoryLock === false) return acquireLockFile(name)
  const release = await takeAdvisoryLock(conn, postgresLockSql, name)
  if (!release)
    throw new DelbenchError(`another cleanup holds the advisory lock ${name}: two cleanups must not overlap`)
  return release
}

/** Deadlock, lock timeout, serialization failure: a batch may be retried. */
export function isPostgresRetryable(error: unknown): boolean {
  return ['40P01', '55P03', '40001'].includes(String((error as { code?: unknown })?.code ?? ''))
}
