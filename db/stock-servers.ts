import { DIALECT_NAMES, type Capabilities, type Dialect, type PerDialect } from './dialect.js'
import { MYSQL_MAX_PARAMS, MysqlDialect } from './mysql/mysql-dialect.js'
import { POSTGRES_MAX_PARAMS, PostgresDialect } from './postgres/postgres-dialect.js'
import { SQLITE_DEFAULT_MAX_PARAMS, SqliteDialect } from './sqlite/sqlite-dialect.js'

/** A stock server of one kind: what `delbench list` checks strategies against, asking no server. */
export interface StockServer {
  /** The kind as a reader names it (`PostgreSQL`, `MySQL/MariaDB`). */
  readonly label: string
  readonly dialect: Dialect
  readonly capabilities: Capabilities
}

/** Capabilities as a stock server of each kind has them; a run asks them of the real server. */
export const STOCK_CAPABILITIES: PerDialect<Capabilities> = {
  sqlite: {
    maxParams: SQLITE_DEFAULT_MAX_PARAMS,
    deleteLimit: false,
    advisoryLock: false,
    transactionalDdl: true,
    singleWriter: true,
    skipLocked: false,
  },
  postgres: {
    maxParams: POSTGRES_MAX_PARAMS,
    deleteLimit: false,
    advisoryLock: true,
    transactionalDdl: true,
    singleWriter: false,
    skipLocked: true,
  },
  mysql: {
    maxParams: MYSQL_MAX_PARAMS,
    deleteLimit: true,
    advisoryLock: true,
    transactionalDdl: false,
    singleWriter: false,
    skipLocked: true,
  },
}

const LABELS: PerDialect<string> = { sqlite: 'SQLite', postgres: 'PostgreSQL', mysql: 'MySQL/MariaDB' }

const DIALECTS: PerDialect<() => Dialect> = {
  sqlite: () => new SqliteDialect(),
  postgres: () => new PostgresDialect(),
  mysql: () => new MysqlDialect(),
}

/** A stock server of every kind, in `DIALECT_NAMES` order. */
export function stockServers(): StockServer[] {
  return DIALECT_NAMES.map((name) => ({
    label: LABELS[name],
    dialect: DIALECTS[name](),
    capabilities: STOCK_CAPABILITIES[name],
  }))
}
