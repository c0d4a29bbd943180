import type { Connection } from '../connection.js'
import { DelbenchError } from '../../core/errors.js'

/** A session advisory lock keyed by the name's hash; taken without waiting, so overlap is reported. */
export async function acquirePostgresLock(conn: Connection, name: string): Promise<() => Promise<void>> {
  const { rows } = await conn.query<{ locked: boolean }>(
    'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
    [name],
  )
  if (!rows[0]?.locked)
    throw new DelbenchError(`another cleanup holds the advisory lock ${name}: two cleanups must not overlap`)
  return async () => {
    await conn.query('SELECT pg_advisory_unlock(hashtext($1))', [name])
  }
}

/** Deadlock, lock timeout, serialization failure: a batch may be retried. */
export function isPostgresRetryable(error: unknown): boolean {
  return ['40P01', '55P03', '40001'].includes(String((error as { code?: unknown })?.code ?? ''))
}
