import type { DatabaseSpec, ServerAddress } from './database-url.js'
import { DatabaseServer } from './database-server.js'
import type { SqlLogger } from './instrumented-connection.js'
import { MysqlDialect } from './mysql/mysql-dialect.js'
import { MysqlProvisioner } from './mysql/mysql-provisioner.js'
import { PostgresDialect } from './postgres/postgres-dialect.js'
import { PostgresProvisioner } from './postgres/postgres-provisioner.js'
import { registerSecret } from '../core/redact.js'
import { SqliteDialect } from './sqlite/sqlite-dialect.js'
import type { SqliteOptions } from './sqlite/sqlite-options.js'
import { SqliteProvisioner } from './sqlite/sqlite-provisioner.js'
import { startThrowawayServer } from './throwaway-server.js'

export interface OpenServerOptions {
  /** Receives every statement, for `--log-sql`. */
  readonly logger?: SqlLogger
  readonly sqlite?: SqliteOptions
}

/** Turns a parsed `--db` into a server delbench can create its own databases on. */
export async function openServer(
  spec: DatabaseSpec,
  options: OpenServerOptions = {},
): Promise<DatabaseServer> {
  const { logger } = options
  switch (spec.kind) {
    case 'sqlite':
      return new DatabaseServer({
        dialect: new SqliteDialect(options.sqlite),
        provisioner: new SqliteProvisioner(spec.directory),
        display: spec.display,
        ...(logger ? { logger } : {}),
      })
    case 'throwaway': {
      const container = await startThrowawayServer(spec.product)
      registerSecret(container.address.password)
      return serverAt(spec.dialect, container.address, spec.display, logger, container.stop)
    }
    default:
      return serverAt(spec.dialect, spec.address, spec.display, logger)
  }
}

function serverAt(
  dialect: 'postgres' | 'mysql',
  address: ServerAddress,
  display: string,
  logger: SqlLogger | undefined,
  onClose?: () => Promise<void>,
): DatabaseServer {
  const common = { display, ...(logger ? { logger } : {}), ...(onClose ? { onClose } : {}) }
  return dialect === 'postgres'
    ? new DatabaseServer({
        dialect: new PostgresDialect(),
        provisioner: new PostgresProvisioner(address, logger),
        ...common,
      })
    : new DatabaseServer({
        dialect: new MysqlDialect(),
        provisioner: new MysqlProvisioner(address, logger),
        ...common,
      })
}
