import type { Connection } from '../connection.js'
import { DelbenchError } from '../../core/errors.js'

/** `GET_LOCK(name, 0)`: a named server lock, taken without waiting, so overlap is reported. */
export async function acquireMysqlLock(conn: Connection, name: string): Promise<() => Promise<void>> {
  const { rows } = await conn.query<{ locked: number | null }>('SELECT GET_LOCK(?, 0) AS locked', [
    name.slice(0, 64),
  ])
  if (Number(rows[0]?.locked) !== 1)
    throw new DelbenchError(`another cleanup holds the lock ${name}: two cleanups must not overlap`)
  return async () => {
    await conn.query('SELECT RELEASE_LOCK(?)', [name.slice(0, 64)])
  }
}

/** ER_LOCK_DEADLOCK (1213) and ER_LOCK_WAIT_TIMEOUT (1205): a batch may be retried. */
export function isMysqlRetryable(error: unknown): boolean {
  const errno = Number((error as { errno?: unknown })?.errno ?? 0)
  return errno === 1213 || errno === 1205
}
