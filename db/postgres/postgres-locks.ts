import type { AdvisoryLockSql } from '../advisory-lock.js'

/** A session advisory lock keyed by the name's hash, taken without waiting, and its release. */
export const postgresLockSql: AdvisoryLockSql = {
  take: 'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
  release: 'SELECT pg_advisory_unlock(hashtext($1))',
}

/** Deadlock, lock timeout, serialization failure: a batch may be retried. */
export function isPostgresRetryable(error: unknown): boolean {
  return ['40P01', '55P03', '40001'].includes(String((error as { code?: unknown })?.code ?? ''))
}
