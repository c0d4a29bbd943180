import { afterAll, describe, expect, it } from 'vitest'
import { parseDatabaseSpec } from '../db/database-url.js'
import { openPostgresSession } from '../db/postgres/postgres-driver.js'
import type { DriverSession } from '../db/connection.js'
import { eventually } from './support/run-cli.js'
import { skipped, TEST_DATABASES } from './support/servers.js'

const db = TEST_DATABASES.find((d) => d.dialect === 'postgres')

describe.skipIf(db === undefined || skipped(db))('the PostgreSQL driver session', () => {
  const opened: DriverSession[] = []
  afterAll(async () => {
    for (const session of opened) await session.close().catch(() => {})
  })

  it('reports the server’s own reason when its session was ended between two queries', async () => {
    const spec = parseDatabaseSpec(db?.url ?? '')
    if (!('address' in spec)) throw new Error('a PostgreSQL URL was expected')
    const victim = await openPostgresSession(spec.address, 'postgres')
    const admin = await openPostgresSession(spec.address, 'postgres')
    opened.push(victim, admin)
    const { rows } = await victim.execute('SELECT pg_backend_pid() AS pid', [])
    await admin.execute('SELECT pg_terminate_backend($1)', [rows[0]?.pid])
    // Wait for the session to be gone on the server (the condition, not a fixed time) ...
    await eventually(async () => {
      const left = await admin.execute('SELECT COUNT(*) AS n FROM pg_stat_activity WHERE pid = $1', [
        rows[0]?.pid,
      ])
      return Number(left.rows[0]?.n) === 0 ? true : undefined
    }, 'the terminated session to be gone')
    // ... then the next query names why, not pg's generic "not queryable".
    await expect(victim.execute('SELECT 1', [])).rejects.toThrow(
      /terminating connection due to administrator command|Connection terminated/,
    )
  })
})
