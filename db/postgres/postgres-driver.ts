import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { CopyChunk, DriverSession, QueryResult, Row } from '../connection.js'
import { CONNECT_TIMEOUT_MS, connectFailure } from '../connect-errors.js'
import type { ServerAddress } from '../database-url.js'

const INT8_OID = 20
/** timestamp, timestamptz and date: as the server's text. */
const TIMESTAMP_OIDS = new Set([1114, 1184, 1082])
const WRITE_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY'])

/** COUNT(*) and bigint ids come back as strings by default; delbench's ids and counts fit a double. */
function parseInt8(text: string): number | string {
  const n = Number(text)
  return Number.isSafeInteger(n) ? n : text
}

/**
 * int8 as numbers; timestamps and dates as the server's text (`YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DD`), not
 * JavaScript Dates in the client's time zone: the same text the loaders wrote and MySQL and SQLite return.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === 'binary') return pg.types.getTypeParser(oid, format)
    if (oid === INT8_OID) return parseInt8
    if (TIMESTAMP_OIDS.has(oid)) return (text: string) => text
    return pg.types.getTypeParser(oid, format)
  }) as typeof pg.types.getTypeParser,
}

/** Human name of a server for messages: product, host and port; never the password. */
export function postgresWhere(address: ServerAddress): string {
  return `PostgreSQL at ${address.host}:${address.port}`
}

/** One pg client: every parameterised query is one round trip (the extended protocol, pipelined). */
class PostgresSession implements DriverSession {
  readonly #client: pg.Client
  /** What broke the connection while no query was running (the server ending the session, say). */
  #broken: Error | undefined

  constructor(client: pg.Client) {
    this.#client = client
    // An error between queries must not crash the process as an unhandled 'error' event; it is kept
    // for the next query, which pg refuses with a generic "not queryable" that names no cause.
    client.on('error', (error: Error) => {
      this.#broken ??= error
    })
  }

  async execute(sql: string, params: readonly unknown[]): Promise<QueryResult<Row>> {
    const result = await this.#client.query<Row>(sql, params as unknown[]).catch((error: unknown) => {
      throw this.#broken ?? error
    })
    return {
      rows: result.rows ?? [],
      affected: WRITE_COMMANDS.has(result.command) ? (result.rowCount ?? 0) : 0,
    }
  }

  async copyIn(sql: string, chunks: Iterable<CopyChunk> | AsyncIterable<CopyChunk>): Promise<number> {
    const stream = this.#client.query(copyFrom(sql))
    await pipeline(Readable.from(chunks), stream)
    return stream.rowCount
  }

  async close(): Promise<void> {
    await this.#client.end()
  }
}

/** Opens a session on one database of the server. */
export async function openPostgresSession(address: ServerAddress, database: string): Promise<DriverSession> {
  const client = new pg.Client({
    host: address.host,
    port: address.port,
    user: address.user,
    password: address.password ?? '',
    database,
    ssl: address.ssl ? { rejectUnauthorized: false } : false,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'delbench',
    types,
  })
  // Until the session takes over its errors (an error while connecting is thrown from connect()).
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (error) {
    await client.end().catch(() => {})
    throw connectFailure(error, postgresWhere(address), address.user, database)
  }
  return new PostgresSession(client)
}
