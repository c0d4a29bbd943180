import { randomBytes } from 'node:crypto'
import type { Connection } from './connection.js'

/** The statements that take (without waiting) and release a named advisory lock, the name their parameter. */
export interface AdvisoryLockSql {
  readonly take: string
  readonly release: string
}

/** Takes the advisory lock `key` without waiting: its release, or undefined while another session holds it. */
export async function takeAdvisoryLock(
  conn: Connection,
  sql: AdvisoryLockSql,
  key: string,
): Promise<(() => Promise<void>) | undefined> {
  const { rows } = await conn.query(sql.take, [key])
  const granted = Object.values(rows[0] ?? {})[0]
  if (granted !== true && Number(granted) !== 1) return undefined
  return async () => {
    await conn.query(sql.release, [key])
  }
}

/**
 * Whether the server has the named advisory locks `sql` takes and releases: one of a name no one else
 * holds is taken and released, never assumed from the product name. False where the statement fails
 * (no such function) or does not grant the lock.
 */
export async function probeAdvisoryLock(conn: Connection, sql: AdvisoryLockSql): Promise<boolean> {
  try {
    const release = await takeAdvisoryLock(conn, sql, `delbench_probe_${randomBytes(6).toString('hex')}`)
    await release?.()
    return release !== undefined
  } catch {
    return false
  }
}
