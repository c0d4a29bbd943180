import type { ServerAddress } from './database-url.js'
import { NoContainerEngineError } from '../core/errors.js'

/** A server started in a container for one delbench invocation, removed by `stop`. */
export interface ThrowawayServer {
  readonly address: ServerAddress
  stop(): Promise<void>
}

const IMAGES = {
  postgres: {
    image: 'postgres:15',
    port: 5432,
    user: 'postgres',
    database: 'postgres',
    ready: /database system is ready to accept connections/,
    times: 2,
  },
  mysql: {
    image: 'mysql:8.4',
    port: 3306,
    user: 'root',
    database: 'mysql',
    ready: /ready for connections.*port: 3306/,
    times: 1,
  },
  mariadb: {
    image: 'mariadb:10.11',
    port: 3306,
    user: 'root',
    database: 'mysql',
    ready: /ready for connections/,
    times: 2,
  },
} as const

/**
 * Starts PostgreSQL, MySQL or MariaDB with testcontainers when a container engine answers, and fails
 * with one line showing the URL form when none does (testcontainers is loaded only here: it is slow to
 * import and most runs never need it).
 */
export async function startThrowawayServer(product: keyof typeof IMAGES): Promise<ThrowawayServer> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers')
  const spec = IMAGES[product]
  const urlForm =
    product === 'postgres' ? 'postgres://USER@HOST:5432/postgres' : `${product}://USER@HOST:3306/`
  try {
    await getContainerRuntimeClient()
  } catch {
    throw new NoContainerEngineError(
      `--db ${product} needs a Docker engine to start a throw-away server and none answers: start one, or point at a server with --db ${urlForm}`,
    )
  }
  const password = `delbench-${Math.random().toString(36).slice(2)}`
  const environment: Record<string, string> =
    product === 'postgres'
      ? { POSTGRES_PASSWORD: password }
      : product === 'mysql'
        ? { MYSQL_ROOT_PASSWORD: password }
        : { MARIADB_ROOT_PASSWORD: password }
  const container = await new GenericContainer(spec.image)
    .withEnvironment(environment)
    .withExposedPorts(spec.port)
    .withWaitStrategy(Wait.forLogMessage(spec.ready, spec.times))
    .start()
  return {
    address: {
      host: container.getHost(),
      port: container.getMappedPort(spec.port),
      user: spec.user,
      password,
      adminDatabase: spec.database,
      ssl: false,
    },
    stop: async () => {
      await container.stop()
    },
  }
}
