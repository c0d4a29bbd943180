import Database from 'better-sqlite3'
import type { DriverSession, QueryResult, Row } from '../connection.js'
import { classifyStatement } from '../statement-kind.js'

/** The part of better-sqlite3's statement API delbench uses. */
interface SqliteStatement {
  readonly reader: boolean
  all(...params: unknown[]): unknown[]
  run(...params: unknown[]): { changes: number }
}

const CACHE_SIZE = 256
/**
 * better-sqlite3 runs each statement synchronously, so a loop of statements would never give the
 * event loop a turn: signals, timers (memory sampling, budgets) and IPC would wait for the whole
 * strategy. Every few milliseconds of back-to-back statements, the session yields once.
 */
const YIELD_EVERY_MS = 10
const WRITES = new Set(['insert', 'update', 'delete'])

/** SQLite accepts numbers, strings, bigints, buffers and null; map the rest the way ORMs do. */
function toSqliteValue(value: unknown): unknown {
  if (value === undefined) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof Date) return value.toISOString()
  return value
}

/**
 * One better-sqlite3 database handle. Statements are prepared once and cached by their text, as a
 * long-lived application would, so per-row loops do not pay for parsing.
 */
class SqliteSession implements DriverSession {
  readonly #db: Database.Database
  readonly #statements = new Map<string, SqliteStatement>()
  #lastYield = performance.now()

  constructor(db: Database.Database) {
    this.#db = db
  }

  async execute(sql: string, params: readonly unknown[]): Promise<QueryResult<Row>> {
    if (performance.now() - this.#lastYield > YIELD_EVERY_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve))
      this.#lastYield = performance.now()
    }
    const statement = this.#prepare(sql)
    const values = params.map(toSqliteValue)
    if (statement.reader) return { rows: statement.all(...values) as Row[], affected: 0 }
    const { changes } = statement.run(...values)
    // sqlite3_changes() keeps the previous write's count across BEGIN, DDL and the like.
    return { rows: [], affected: WRITES.has(classifyStatement(sql)) ? changes : 0 }
  }

  #prepare(sql: string): SqliteStatement {
    let statement = this.#statements.get(sql)
    if (statement) {
      // Refresh its place so the cache evicts the least recently used.
      this.#statements.delete(sql)
    } else {
      statement = this.#db.prepare(sql) as unknown as SqliteStatement
      if (this.#statements.size >= CACHE_SIZE) {
        const oldest = this.#statements.keys().next().value
        if (oldest !== undefined) this.#statements.delete(oldest)
      }
    }
    this.#statements.set(sql, statement)
    return statement
  }

  async close(): Promise<void> {
    this.#statements.clear()
    this.#db.close()
  }
}

/**
 * Opens an existing SQLite database file; `readonly` opens it so that no statement can write to it
 * (the file is not even opened for writing), for reading someone else's database.
 */
export function openSqliteSession(file: string, options: { readonly?: boolean } = {}): DriverSession {
  return new SqliteSession(new Database(file, { fileMustExist: true, readonly: options.readonly ?? false }))
}
