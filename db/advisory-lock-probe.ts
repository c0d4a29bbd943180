import { randomBytes } from 'node:crypto'
import type { Connection } from './connection.js'

/**
 * Whether the server has the named advisory locks `sql` takes and releases: one of a name no one else
 * holds is taken and released, never assumed from the product name. False where the statement fails
 * (no such function) or does not grant the lock.
 */
export async function probeAdvisoryLock(
  conn: Connection,
  sql: { readonly take: string; readonly release: string },
): Promise<boolean> {
  const name = `delbench_probe_${randomBytes(6).toString('hex')}`
  try {
    const { rows } = await conn.query(sql.take, [name])
    const granted = Object.values(rows[0] ?? {})[0]
    if (granted !== true && Number(granted) !== 1) return false
    await conn.query(sql.release, [name])
    return true
  } catch {
    return false
  }
}
