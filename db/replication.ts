import type { DriverSession } from './connection.js'
import type { ServerAddress } from './database-url.js'

/** The server's own view of one replica's lag, as its product reports it. */
export interface ServerLagReading {
  /** Whether the replica is applying changes (not stopped, not paused, connected to its primary). */
  readonly running: boolean
  /** The lag the server reports, in ms; undefined where it reports none (stopped, or idle for a while). */
  readonly lagMs: number | undefined
  /** How the figure was read, one phrase (`pg_stat_replication.replay_lag`, `Seconds_Behind_Master`). */
  readonly method: string
}

/** Read-only sessions on a primary and one of its replicas, for the server's view of replication. */
export interface ReplicaWatch {
  /**
   * Why the replica is not a replica of the primary (a standalone server, a standby of another
   * cluster, a replica of another host), as one line; undefined when it is.
   */
  refusal(): Promise<string | undefined>
  /** The server's own view of the replica's lag now. */
  serverLag(): Promise<ServerLagReading>
  close(): Promise<void>
}

/**
 * A dialect's replication role: what only it knows about its product's replication. The harness's
 * own lag measurement (a heartbeat row written on the primary and read on the replica) is portable:
 * see `replication-heartbeat.ts`.
 */
export interface ReplicationProbe {
  /** Opens sessions on the two servers (on the databases their URLs name, reading only). */
  watch(primary: ServerAddress, replica: ServerAddress): Promise<ReplicaWatch>
}

/** Whether two host names mean the same machine as seen from here (loopback spellings are one). */
export function sameHost(a: string, b: string): boolean {
  const loopback = (host: string) => ['127.0.0.1', 'localhost', '::1'].includes(host.toLowerCase())
  return a.toLowerCase() === b.toLowerCase() || (loopback(a) && loopback(b))
}

/** The first row of `sql` on a bare session, or undefined. */
export async function firstRow(
  session: DriverSession,
  sql: string,
): Promise<Record<string, unknown> | undefined> {
  return (await session.execute(sql, [])).rows[0]
}

/** Milliseconds as a number from a driver's value (a number, a numeric string, null). */
export function millis(value: unknown, scale = 1): number | undefined {
  if (value === null || value === undefined || value === '') return undefined
  const n = Number(value)
  return Number.isFinite(n) ? n * scale : undefined
}

/** Opens a session on each of the two servers; the first is closed again if the second fails. */
export async function openPair(
  open: (address: ServerAddress) => Promise<DriverSession>,
  primary: ServerAddress,
  replica: ServerAddress,
): Promise<{ primary: DriverSession; replica: DriverSession }> {
  const first = await open(primary)
  try {
    return { primary: first, replica: await open(replica) }
  } catch (error) {
    await first.close()
    throw error
  }
}
