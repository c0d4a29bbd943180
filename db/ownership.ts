import os from 'node:os'
import type { Connection } from './connection.js'
import type { SqlAdapter } from './dialect.js'
import { SafetyError } from '../core/errors.js'

/** Every database delbench creates carries this prefix ... */
export const OWN_PREFIX = 'delbench_'
/** ... and this table, holding one row that says delbench made it. */
export const MARKER_TABLE = 'delbench_marker'
const MARKER_TEXT = 'created by delbench'

/** Lower-case letters, digits and underscores only: valid unquoted on every dialect, at most 63 bytes. */
const OWN_NAME = /^delbench_[a-z0-9_]{1,54}$/

/** Rejects a name delbench would not have given one of its own databases. */
export function assertOwnName(name: string): void {
  if (!OWN_NAME.test(name)) {
    throw new SafetyError(
      `refusing to use database '${name}': delbench only works in databases it names ${OWN_PREFIX}<lower-case letters, digits, _>`,
    )
  }
}

/** Writes the marker into a database delbench has just created. */
/**
 * A label recorded in the marker of every database this process creates, when set: the tests set it
 * per run, so their teardown drops what that run created and nothing another process made meanwhile.
 */
export const CREATED_BY_ENV = 'DELBENCH_CREATED_BY'

/** The purpose written into a new database's marker, with the creator's label where one is set. */
export function markerPurpose(purpose: string, env: NodeJS.ProcessEnv = process.env): string {
  const label = env[CREATED_BY_ENV]
  return label ? `${purpose} (created by ${label})`.slice(0, 200) : purpose
}

export async function writeMarker(conn: Connection, purpose: string, version: string): Promise<void> {
  await conn.query(
    `CREATE TABLE ${MARKER_TABLE} (marker VARCHAR(64) NOT NULL, purpose VARCHAR(200) NOT NULL, delbench_version VARCHAR(32) NOT NULL, created_at VARCHAR(32) NOT NULL)`,
  )
  await conn.query(
    `INSERT INTO ${MARKER_TABLE} (marker, purpose, delbench_version, created_at) VALUES ('${MARKER_TEXT}', '${markerPurpose(purpose).replaceAll("'", "''")}', '${version}', '${new Date().toISOString()}')`,
  )
}

/** Whether the connected database carries delbench's marker. Reads nothing but the marker. */
export async function hasMarker(conn: Connection, adapter: SqlAdapter): Promise<boolean> {
  const { rows } = await conn.query<{ found: number | string }>(adapter.tableExistsSql(MARKER_TABLE))
  if (Number(rows[0]?.found ?? 0) === 0) return false
  const marker = await conn.query(`SELECT marker FROM ${MARKER_TABLE} WHERE marker = '${MARKER_TEXT}'`)
  return marker.rows.length > 0
}

/** The refusal for a database that has delbench's name but not its marker. */
export function unmarkedError(name: string, where: string): SafetyError {
  return new SafetyError(
    `refusing to touch database '${name}' on ${where}: it has no ${MARKER_TABLE} table, so delbench did not create it; drop it yourself if it is yours to lose`,
  )
}

/**
 * Beside the marker, in every database a delbench process owns only for its own life (a working copy, a
 * seed being built): who owns it. The owner holds the liveness lock `livenessLockName` for as long as the
 * database exists; a database with this table whose lock is free was left by a process that is gone.
 */
export const OWNER_TABLE = 'delbench_owner'
/** Where a seeded database records that it is complete, and what it holds. */
export const SEED_TABLE = 'delbench_seed'

/** The process that owns a short-lived database. */
export interface Owner {
  readonly host: string
  readonly pid: number
  /** When the owning process started (ISO), so a reused pid is not mistaken for the owner. */
  readonly startedAt: string
}

/** This process, as the owner of what it creates. */
export function thisOwner(): Owner {
  return {
    host: os.hostname(),
    pid: process.pid,
    startedAt: new Date(Math.round(Date.now() - process.uptime() * 1000)).toISOString(),
  }
}

/** The liveness lock the owner of database `name` holds for the database's life. */
export function livenessLockName(name: string): string {
  return `live_${name}`
}

/** Records `owner` in the connected database, replacing any owner a copy carried over from its source. */
export async function writeOwner(conn: Connection, adapter: SqlAdapter, owner: Owner): Promise<void> {
  const { rows } = await conn.query<{ found: number | string }>(adapter.tableExistsSql(OWNER_TABLE))
  if (Number(rows[0]?.found ?? 0) === 0)
    await conn.query(
      `CREATE TABLE ${OWNER_TABLE} (host VARCHAR(255) NOT NULL, pid INTEGER NOT NULL, started_at VARCHAR(32) NOT NULL)`,
    )
  await conn.query(`DELETE FROM ${OWNER_TABLE}`)
  const [a, b, c] = [1, 2, 3].map((i) => adapter.placeholder(i))
  await conn.query(`INSERT INTO ${OWNER_TABLE} (host, pid, started_at) VALUES (${a}, ${b}, ${c})`, [
    owner.host,
    owner.pid,
    owner.startedAt,
  ])
}

/** The owner recorded in the connected database, or undefined where none is (a finished seed, an older delbench's). */
export async function readOwner(conn: Connection, adapter: SqlAdapter): Promise<Owner | undefined> {
  const { rows } = await conn.query<{ found: number | string }>(adapter.tableExistsSql(OWNER_TABLE))
  if (Number(rows[0]?.found ?? 0) === 0) return undefined
  const owner = await conn.query<{ host: string; pid: number | string; started_at: string }>(
    `SELECT host, pid, started_at FROM ${OWNER_TABLE}`,
  )
  const row = owner.rows[0]
  return row && { host: row.host, pid: Number(row.pid), startedAt: row.started_at }
}

/** Ends the connected database's ownership: it stays (a finished seed), kept until `delbench clean`. */
export async function clearOwner(conn: Connection): Promise<void> {
  await conn.query(`DROP TABLE IF EXISTS ${OWNER_TABLE}`)
}

/** An owner as a user reads it. */
export function ownerText(owner: Owner): string {
  return `process ${owner.pid} on ${owner.host}, started ${owner.startedAt}`
}
