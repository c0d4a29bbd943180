import type { Connection } from './connection.js'
import type { SqlAdapter } from './dialect.js'
import { scalar } from './scalar.js'

/**
 * The heartbeat table, in delbench's own working database (never anywhere else): one row whose `beat`
 * the harness raises on the primary and reads on a replica (gh-ost's and pt-heartbeat's method, which
 * gives sub-second lag where the servers' own figures are whole seconds or go blank when idle).
 */
export const HEARTBEAT_TABLE = 'delbench_heartbeat'

/** Creates the heartbeat table and its row where the working copy has none (a fresh clone). */
export async function prepareHeartbeat(conn: Connection, adapter: SqlAdapter): Promise<void> {
  if (Number(await scalar(conn, adapter.tableExistsSql(HEARTBEAT_TABLE))) > 0) return
  await conn.query(`CREATE TABLE ${HEARTBEAT_TABLE} (id INT PRIMARY KEY, beat BIGINT NOT NULL)`)
  await conn.query(`INSERT INTO ${HEARTBEAT_TABLE} (id, beat) VALUES (1, 0)`)
}

/** Raises the beat on the primary (one autocommitted UPDATE). */
export async function writeBeat(conn: Connection, adapter: SqlAdapter, beat: number): Promise<void> {
  await conn.query(`UPDATE ${HEARTBEAT_TABLE} SET beat = ${adapter.placeholder(1)} WHERE id = 1`, [beat])
}

/** The beat a server has applied. */
export async function readBeat(conn: Connection): Promise<number> {
  return Number(await scalar(conn, `SELECT beat FROM ${HEARTBEAT_TABLE} WHERE id = 1`))
}
