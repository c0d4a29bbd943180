/** A database product and its version number, as read from the server's own version string. */
export interface DetectedProduct {
  readonly product: string
  readonly version: string
  /** What differs from the stock product in ways that matter to delete benchmarks. */
  readonly notes: readonly string[]
}

const firstVersion = (text: string): string => /(\d+(?:\.\d+)+)/.exec(text)?.[1] ?? 'unknown'

/**
 * Reads the product behind a PostgreSQL-protocol server from `SELECT version()`. CockroachDB and
 * YugabyteDB speak the protocol but behave differently (no advisory locks in CockroachDB, distributed
 * writes), so they are named rather than reported as PostgreSQL.
 */
export function detectPostgresProduct(versionString: string): DetectedProduct {
  const cockroach = /CockroachDB\s+\S*\s*v?(\d+(?:\.\d+)+)/i.exec(versionString)
  if (cockroach?.[1]) {
    return {
      product: 'CockroachDB',
      version: cockroach[1],
      notes: [
        'CockroachDB: distributed transactions; advisory locks are no-ops; large DELETEs may hit transaction size limits',
      ],
    }
  }
  const yugabyte = /-YB-(\d+(?:\.\d+)+)/.exec(versionString)
  if (yugabyte?.[1]) {
    return {
      product: 'YugabyteDB',
      version: yugabyte[1],
      notes: [`YugabyteDB on PostgreSQL ${firstVersion(versionString)}`],
    }
  }
  const pg = /PostgreSQL\s+(\d+(?:\.\d+)*)/i.exec(versionString)
  return { product: 'PostgreSQL', version: pg?.[1] ?? firstVersion(versionString), notes: [] }
}

/** Reads the product behind a MySQL-protocol server from `SELECT VERSION()` and `@@version_comment`. */
export function detectMysqlProduct(versionString: string, versionComment = ''): DetectedProduct {
  const both = `${versionString} ${versionComment}`
  const tidb = /TiDB-v?(\d+(?:\.\d+)+)/i.exec(both)
  if (tidb?.[1]) {
    return {
      product: 'TiDB',
      version: tidb[1],
      notes: ['TiDB: large DELETEs are limited by transaction size; foreign keys enforced only from v6.6'],
    }
  }
  if (/Vitess/i.test(both)) {
    return {
      product: 'Vitess',
      version: firstVersion(versionString),
      notes: ['Vitess: statements are routed across shards; foreign keys depend on the keyspace setup'],
    }
  }
  const aurora = /mysql_aurora\.(\d+(?:\.\d+)+)/i.exec(both)
  if (aurora?.[1]) {
    return {
      product: 'Aurora MySQL',
      version: aurora[1],
      notes: [
        `Aurora MySQL compatible with MySQL ${firstVersion(versionString)}; storage-level durability differs from InnoDB redo`,
      ],
    }
  }
  if (/MariaDB/i.test(both)) {
    // MariaDB 10.x once reported itself as "5.5.5-10.x.y-MariaDB" for old clients.
    const version =
      /(?:5\.5\.5-)?(\d+\.\d+\.\d+)-MariaDB/i.exec(versionString)?.[1] ?? firstVersion(versionString)
    return { product: 'MariaDB', version, notes: [] }
  }
  return { product: 'MySQL', version: firstVersion(versionString), notes: [] }
}
