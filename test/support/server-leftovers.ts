import { randomBytes } from 'node:crypto'
import { parseDatabaseSpec } from '../../db/database-url.js'
import { openServer } from '../../db/open-server.js'
import { CREATED_BY_ENV, MARKER_TABLE } from '../../db/ownership.js'
import { serverUrl } from './servers.js'

/**
 * Labels every database this test run creates (through the marker, in every process the run starts)
 * and returns the teardown that drops those databases: the seeded data the CLI tests keep for reuse, as
 * a user's runs would. Databases made by anything else on the same servers meanwhile are left alone.
 */
export function labelServerDatabases(): () => Promise<void> {
  const label = `test run ${randomBytes(6).toString('hex')}`
  process.env[CREATED_BY_ENV] = label
  return async () => {
    for (const url of (['postgres', 'mysql'] as const).flatMap((d) => serverUrl(d) ?? [])) {
      const server = await openServer(parseDatabaseSpec(url))
      try {
        for (const db of await server.listDatabases()) {
          if (!db.marked) continue
          const conn = await server.openDatabase(db.name).catch(() => undefined)
          if (!conn) continue // dropped meanwhile by its own test
          const { rows } = await conn
            .query<{ purpose: string }>(`SELECT purpose FROM ${MARKER_TABLE}`)
            .finally(() => conn.close())
          if (rows.some((r) => r.purpose.endsWith(`(created by ${label})`)))
            await server.dropDatabase(db.name)
        }
      } finally {
        await server.close()
      }
    }
  }
}
