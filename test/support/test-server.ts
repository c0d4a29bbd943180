import { parseDatabaseSpec } from '../../db/database-url.js'
import { afterAll, beforeAll } from 'vitest'
import { DatabaseServer } from '../../db/database-server.js'
import type { InstrumentedConnection, SqlLogger } from '../../db/instrumented-connection.js'
import { processRuns } from '../../db/lock-file.js'
import { openServer } from '../../db/open-server.js'
import { requireUrl, type TestDatabase } from './servers.js'
import { tempFolder } from './temp-folders.js'

// Where the tests have always found it.
export { tempFolder }

/** The `--db` value a test uses: a fresh folder for SQLite, the configured URL for a server. */
export function testDbValue(db: TestDatabase): string {
  return db.dialect === 'sqlite' ? `sqlite:${tempFolder('sqlite')}` : requireUrl(db)
}

/** delbench's own databases on a server (or SQLite folder) whose names start with `prefix`. */
export async function ownDatabases(db: string, prefix: string): Promise<string[]> {
  const server = await openServer(parseDatabaseSpec(db))
  try {
    return (await server.listDatabases()).map((d) => d.name).filter((n) => n.startsWith(prefix))
  } finally {
    await server.close()
  }
}

/**
 * The databases under `prefix` that runs begun at or after `since` (ISO) left behind: owned by a
 * process started since then that is gone. Other test files' runs share a server, and their copies,
 * under way, have live owners: they are not counted.
 */
export async function leftBehind(db: string, prefix: string, since: string): Promise<string[]> {
  const server = await openServer(parseDatabaseSpec(db))
  try {
    return (await server.listDatabases(prefix))
      .filter((d) => d.owner && d.owner.startedAt >= since && !processRuns(d.owner.pid))
      .map((d) => d.name)
  } finally {
    await server.close()
  }
}

/** Now, less a second (the owners' start times are rounded), as `leftBehind` takes it. */
export function testStart(): string {
  return new Date(Date.now() - 1000).toISOString()
}

export async function openTestServer(db: TestDatabase, logger?: SqlLogger): Promise<DatabaseServer> {
  return openServer(parseDatabaseSpec(testDbValue(db)), logger ? { logger } : {})
}

/** A marked scratch database for one describe block: created before its tests, dropped after. */
export interface ScratchDatabase {
  readonly server: DatabaseServer
  readonly name: string
  open(): Promise<InstrumentedConnection>
}

export function useScratchDatabase(
  db: TestDatabase,
  purpose: string,
  options: { logger?: SqlLogger; setup?: (conn: InstrumentedConnection) => Promise<void> } = {},
): ScratchDatabase {
  let server: DatabaseServer | undefined
  const name = DatabaseServer.uniqueName(purpose)
  beforeAll(async () => {
    server = await openTestServer(db, options.logger)
    await server.createDatabase(name, `${purpose} test`)
    if (options.setup) {
      const conn = await server.openDatabase(name)
      await options.setup(conn).finally(() => conn.close())
    }
  })
  afterAll(async () => {
    await server?.dropDatabase(name)
    await server?.close()
  })
  const current = (): DatabaseServer => {
    if (!server) throw new Error('the scratch database is not set up yet')
    return server
  }
  return {
    get server() {
      return current()
    },
    name,
    open: () => current().openDatabase(name),
  }
}
