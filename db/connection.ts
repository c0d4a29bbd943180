/** A row as the drivers return it: column name to value. */
export type Row = Record<string, unknown>

/** The outcome of one statement, normalised at the driver boundary. */
export interface QueryResult<R = Row> {
  /** Rows the statement returned; empty for writes without RETURNING. */
  readonly rows: R[]
  /**
   * Rows the statement inserted, updated or deleted (rows *matched* for UPDATE on every database,
   * including MySQL); 0 for statements that only read.
   */
  readonly affected: number
}

/** What every layer above `db/` talks to: one connection, every statement counted. */
export interface Connection {
  /** Runs one statement. Parameters use the dialect's placeholders (`$1` or `?`). */
  query<R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>
  /**
   * Runs `fn` inside BEGIN ... COMMIT on this connection, rolling back and rethrowing when it throws.
   * Transactions do not nest.
   */
  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/**
 * The raw driver session below the instrumentation: one physical connection. Each `execute` is one
 * statement and one round trip to the server (or call into the engine, for SQLite).
 */
export interface DriverSession {
  execute(sql: string, params: readonly unknown[]): Promise<QueryResult<Row>>
  /**
   * Streams text or bytes into one bulk-load statement (`COPY ... FROM STDIN`, `LOAD DATA LOCAL INFILE`): one
   * statement, one round trip. Returns the rows loaded. Absent where the driver has no such path.
   */
  copyIn?(sql: string, chunks: Iterable<CopyChunk> | AsyncIterable<CopyChunk>): Promise<number>
  close(): Promise<void>
}

/** A piece of a bulk load's stream: text (in the connection's encoding, UTF-8) or bytes as they are. */
export type CopyChunk = string | Buffer
