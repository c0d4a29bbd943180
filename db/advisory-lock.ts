import { randomBytes } from 'node:crypto'
import { DelbenchError } from '../core/errors.js'
import type { Connection } from './connection.js'
import type { Capabilities } from './dialect.js'
import { acquireLockFile } from './lock-file.js'

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

/**
 * The single-runner lock `name`, taken without waiting so an overlap is reported: the server's advisory
 * lock (`sql`, the name cut to `maxName` characters where the server limits it), or a lock file on this
 * machine where the server has none.
 */
export async function acquireNamedLock(
  conn: Connection,
  sql: AdvisoryLockSql,
  name: string,
  capabilities: Pick<Capabilities, 'advisoryLock'>,
  maxName = Number.POSITIVE_INFINITY,
): Promise<() => Promise<void>> {
  if (!capabilities.advisoryLock) return acquireLockFile(name)
  const release = await takeAdvisoryLock(conn, sql, name.slice(0, maxName))
  if (!release)
    throw new DelbenchError(`another cleanup holds the lock ${name}: two cleanups must not overlap`)
  return release
}
