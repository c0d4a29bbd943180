import type { DatabaseSpec, ServerAddress } from './database-url.js'
import { DatabaseServer } from './database-server.js'
import type { SqlLogger } from './instrumented-connection.js'
import { registerSecret } from '../core/redact.js'
import type { SqliteOptions } from './sqlite/sqlite-options.js'

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
    case 'sqlite': {
      // Each kind's driver is loaded only when a server of that kind is opened: every run's and
      // traffic's process starts faster for not loading the other two.
      const [{ SqliteDialect }, { SqliteProvisioner }] = await Promise.all([
        import('./sqlite/sqlite-dialect.js'),
        import('./sqlite/sqlite-provisioner.js'),
      ])
      return new DatabaseServer({
        dialect: new SqliteDialect(options.sqlite),
        provisioner: new SqliteProvisioner(spec.directory),
        display: spec.display,
        ...(logger ? { logger } : {}),
      })
    }
    case 'throwaway': {
      const { startThrowawayServer } = await import('./throwaway-server.js')
      const container = await startThrowawayServer(spec.product)
      registerSecret(container.address.password)
      return serverAt(spec.dialect, container.address, spec.display, logger, container.stop)
    }
    default:
      return serverAt(spec.dialect, spec.address, spec.display, logger)
  }
}

async function serverAt(
  dialect: 'postgres' | 'mysql',
  address: ServerAddress,
  display: string,
  logger: SqlLogger | undefined,
  onClose?: () => Promise<void>,
): Promise<DatabaseServer> {
  const common = { display, ...(logger ? { logger } : {}), ...(onClose ? { onClose } : {}) }
  if (dialect === 'postgres') {
    const [{ PostgresDialect }, { PostgresProvisioner }] = await Promise.all([
      import('./postgres/postgres-dialect.js'),
      import('./postgres/postgres-provisioner.js'),
    ])
    return new DatabaseServer({
      dialect: new PostgresDialect(),
      provisioner: new PostgresProvisioner(address, logger),
      ...common,
    })
  }
  const [{ MysqlDialect }, { MysqlProvisioner }] = await Promise.all([
    import('./mysql/mysql-dialect.js'),
    import('./mysql/mysql-provisioner.js'),
  ])
  return new DatabaseServer({
    dialect: new MysqlDialect(),
    provisioner: new MysqlProvisioner(address, logger),
    ...common,
  })
}
