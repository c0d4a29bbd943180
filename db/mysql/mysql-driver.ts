import { Readable } from 'node:stream'
import mysql from 'mysql2/promise'
import type { CopyChunk, DriverSession, QueryResult, Row } from '../connection.js'
import { CONNECT_TIMEOUT_MS, connectFailure } from '../connect-errors.js'
import type { ServerAddress } from '../database-url.js'

/** Human name of a server for messages: host and port; never the password. */
export function mysqlWhere(address: ServerAddress): string {
  return `MySQL/MariaDB at ${address.host}:${address.port}`
}

/** What mysql2 returns for a statement that writes or changes state instead of returning rows. */
interface ResultHeader {
  readonly affectedRows: number
}

function isHeader(value: unknown): value is ResultHeader {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'affectedRows' in value
}

/**
 * One mysql2 connection. Statements go through the text protocol with client-side parameter escaping
 * (`query`, not `execute`): one round trip each, which is what the ORMs of the field reports send.
 * mysql2 sets CLIENT_FOUND_ROWS, so an UPDATE reports rows matched, as PostgreSQL and SQLite do.
 */
class MysqlSession implements DriverSession {
  readonly #conn: mysql.Connection

  constructor(conn: mysql.Connection) {
    this.#conn = conn
  }

  async execute(sql: string, params: readonly unknown[]): Promise<QueryResult<Row>> {
    const [result] = await this.#conn.query(sql, params as unknown[])
    if (isHeader(result)) return { rows: [], affected: result.affectedRows }
    return { rows: result as Row[], affected: 0 }
  }

  /** `LOAD DATA LOCAL INFILE` fed from a stream instead of a file (the server must allow local_infile). */
  async copyIn(sql: string, chunks: Iterable<CopyChunk> | AsyncIterable<CopyChunk>): Promise<number> {
    // mysql2 writes the stream's chunks to the socket as they are: they must be Buffers.
    const buffers = Readable.from(chunks).map((chunk: CopyChunk) =>
      typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk,
    )
    const [result] = await this.#conn.query({ sql, infileStreamFactory: () => buffers })
    return isHeader(result) ? result.affectedRows : 0
  }

  async close(): Promise<void> {
    await this.#conn.end().catch(() => this.#conn.destroy())
  }
}

/** Opens a session on one database of the server (or none, for the admin connection). */
export async function openMysqlSession(
  address: ServerAddress,
  database: string | undefined,
): Promise<DriverSession> {
  let conn: mysql.Connection
  try {
    conn = await mysql.createConnection({
      host: address.host,
      port: address.port,
      user: address.user,
      password: address.password ?? '',
      ...(database === undefined ? {} : { database }),
      ...(address.ssl ? { ssl: { rejectUnauthorized: false } } : {}),
      connectTimeout: CONNECT_TIMEOUT_MS,
      supportBigNumbers: true,
      bigNumberStrings: false,
      decimalNumbers: true,
      // DATETIME as its text, not a Date in the client's time zone: the same text every dialect returns.
      dateStrings: true,
      multipleStatements: false,
    })
  } catch (error) {
    throw connectFailure(error, mysqlWhere(address), address.user, database)
  }
  // A dropped connection must fail the next query, not crash the process with an 'error' event.
  conn.on('error', () => {})
  return new MysqlSession(conn)
}
