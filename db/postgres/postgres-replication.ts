import type { ServerAddress } from '../database-url.js'
import { firstRow, millis, openPair, type ReplicaWatch, type ReplicationProbe } from '../replication.js'

/** Where a server stands: in recovery (a standby) or not, and the cluster it was initialised as. */
const IDENTITY_SQL =
  'SELECT pg_is_in_recovery() AS standby, (pg_control_system()).system_identifier::text AS id'

/**
 * The primary's view: the slowest standby's write, flush and replay lag (pg_stat_replication holds
 * them as intervals; they go NULL once a standby has been idle and caught up for a while).
 */
const PRIMARY_LAG_SQL = `SELECT count(*) AS standbys,
  max(extract(epoch FROM write_lag)) * 1000 AS write_ms,
  max(extract(epoch FROM flush_lag)) * 1000 AS flush_ms,
  max(extract(epoch FROM replay_lag)) * 1000 AS replay_ms
  FROM pg_stat_replication`

/** The standby's view: is replay paused, is the WAL receiver streaming. */
const STANDBY_STATE_SQL = `SELECT pg_is_wal_replay_paused() AS paused,
  (SELECT status FROM pg_stat_wal_receiver LIMIT 1) AS receiver`

/** PostgreSQL streaming replication: a standby is the same cluster (system identifier), in recovery. */
export const postgresReplication: ReplicationProbe = {
  async watch(primaryAddress: ServerAddress, replicaAddress: ServerAddress): Promise<ReplicaWatch> {
    // The driver is loaded here, not with the dialect: `delbench list` loads dialects and no driver.
    const { openPostgresSession } = await import('./postgres-driver.js')
    const { primary, replica } = await openPair(
      (address) => openPostgresSession(address, address.adminDatabase ?? 'postgres'),
      primaryAddress,
      replicaAddress,
    )
    return {
      async refusal() {
        const mine = await firstRow(primary, IDENTITY_SQL)
        const theirs = await firstRow(replica, IDENTITY_SQL)
        if (theirs?.['standby'] !== true) return 'it is not a standby (pg_is_in_recovery() is false)'
        if (mine?.['id'] !== theirs['id'])
          return `it is a standby of another cluster (system identifier ${String(theirs['id'])}, the primary's ${String(mine?.['id'])})`
        return undefined
      },
      async serverLag() {
        const lag = await firstRow(primary, PRIMARY_LAG_SQL)
        const state = await firstRow(replica, STANDBY_STATE_SQL)
        const running = state?.['paused'] === false && state['receiver'] === 'streaming'
        return {
          running,
          lagMs: running ? (millis(lag?.['replay_ms']) ?? 0) : undefined,
          method: 'pg_stat_replication.replay_lag on the primary (slowest standby)',
        }
      },
      async close() {
        await Promise.all([primary.close(), replica.close()])
      },
    }
  },
}
