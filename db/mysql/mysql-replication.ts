import type { ServerAddress } from '../database-url.js'
import {
  firstRow,
  millis,
  openPair,
  sameHost,
  type ReplicaWatch,
  type ReplicationProbe,
} from '../replication.js'

/** The replica's status row (MariaDB ≥ 10.5 and MySQL ≥ 8.0.22 also spell it SHOW REPLICA STATUS). */
const STATUS_SQL = 'SHOW SLAVE STATUS'

/**
 * MySQL/MariaDB binlog replication: a replica names its primary in its status (Master_Host and
 * Master_Port), and is another server (server_id).
 */
export const mysqlReplication: ReplicationProbe = {
  async watch(primaryAddress: ServerAddress, replicaAddress: ServerAddress): Promise<ReplicaWatch> {
    // The driver is loaded here, not with the dialect: `delbench list` loads dialects and no driver.
    const { openMysqlSession } = await import('./mysql-driver.js')
    const { primary, replica } = await openPair(
      (address) => openMysqlSession(address, undefined),
      primaryAddress,
      replicaAddress,
    )
    return {
      async refusal() {
        const status = await firstRow(replica, STATUS_SQL)
        if (!status) return 'it is not a replica (SHOW SLAVE STATUS is empty)'
        const mine = await firstRow(primary, 'SELECT @@port AS port, @@server_id AS id')
        const theirs = await firstRow(replica, 'SELECT @@server_id AS id')
        const host = String(status['Master_Host'])
        const port = Number(status['Master_Port'])
        if (port !== Number(mine?.['port']) || !sameHost(host, primaryAddress.host))
          return `it replicates from ${host}:${port}, not from the primary (${primaryAddress.host}:${String(mine?.['port'])})`
        if (Number(mine?.['id']) === Number(theirs?.['id']))
          return `it has the primary's server_id (${String(theirs?.['id'])}): it is the primary itself`
        return undefined
      },
      async serverLag() {
        const status = await firstRow(replica, STATUS_SQL)
        const running = status?.['Slave_IO_Running'] === 'Yes' && status['Slave_SQL_Running'] === 'Yes'
        return {
          running,
          lagMs: running ? millis(status['Seconds_Behind_Master'], 1000) : undefined,
          method: 'SHOW SLAVE STATUS Seconds_Behind_Master on the replica (whole seconds)',
        }
      },
      async close() {
        await Promise.all([primary.close(), replica.close()])
      },
    }
  },
}
