import { parseDatabaseSpec } from '../../db/database-url.js'
import { openServer } from '../../db/open-server.js'
import { serverUrl } from './servers.js'

/**
 * Notes the delbench databases each test server holds before the tests, and returns the teardown that
 * drops the ones the tests created (seeded data the CLI tests leave for reuse, as a user's runs would),
 * so a test run leaves the servers as it found them. Databases that were there before are kept: they
 * may be a developer's own seeded data.
 */
export async function dropServerLeftovers(): Promise<() => Promise<void>> {
  const urls = (['postgres', 'mysql'] as const).flatMap((d) => serverUrl(d) ?? [])
  const before = new Map<string, Set<string>>()
  for (const url of urls) before.set(url, await ownDatabases(url))
  return async () => {
    for (const url of urls) {
      const server = await openServer(parseDatabaseSpec(url))
      try {
        for (const db of await server.listDatabases())
          if (db.marked && !before.get(url)?.has(db.name)) await server.dropDatabase(db.name)
      } finally {
        await server.close()
      }
    }
  }
}

async function ownDatabases(url: string): Promise<Set<string>> {
  const server = await openServer(parseDatabaseSpec(url))
  try {
    return new Set((await server.listDatabases()).map((db) => db.name))
  } finally {
    await server.close()
  }
}
