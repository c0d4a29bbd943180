import { describe, expect, it } from 'vitest'
import { PostgresDialect } from '../db/postgres/postgres-dialect.js'
import { DatabaseServer } from '../db/database-server.js'
import { scalar } from '../db/scalar.js'
import { errorLog } from '../scenarios/builtins/error-log.js'
import { buildCores, seedDatabaseName, seedScenario } from '../seeds/seeder.js'
import { RawServer } from './support/raw-server.js'
import { eventually } from './support/run-cli.js'
import { requireUrl, skipped, TEST_DATABASES } from './support/servers.js'
import { openTestServer, useScratchDatabase } from './support/test-server.js'

describe('the cores a seed gives one table index builds (a server on this machine)', () => {
  it('gives a lane its share while the other lanes have work, every core once they have little', () => {
    // 2 cores, 2 lanes: the other lane streams 800,000 rows while job_events' 1,000,000 are indexed.
    expect(buildCores(2, 2, 1_000_000, 800_000)).toBe(1)
    // pgbench-accounts: 198 rows of tellers and branches beside 1,800,000 accounts.
    expect(buildCores(2, 2, 1_800_000, 198)).toBe(2)
    // The line is a tenth of the table's rows.
    expect(buildCores(8, 2, 1000, 100)).toBe(4)
    expect(buildCores(8, 2, 1000, 99)).toBe(8)
    // Never less than the build's own process, whatever the share.
    expect(buildCores(1, 2, 1000, 1000)).toBe(1)
    expect(buildCores(3, 2, 10, 10)).toBe(1)
  })
})

for (const db of TEST_DATABASES.filter((d) => d.dialect === 'postgres'))
  describe.skipIf(skipped(db))('PostgreSQL parallel index builds while seeding', () => {
    const scratch = useScratchDatabase(db, 'build_cores')

    it("limits a build's parallel workers to its cores less one, never above the server's own setting, and the load's end resets it", async () => {
      const dialect = new PostgresDialect()
      const conn = await scratch.open()
      try {
        const workers = async () =>
          Number(
            (
              await conn.query<{ w: string }>(
                "SELECT current_setting('max_parallel_maintenance_workers') AS w",
              )
            ).rows[0]?.w,
          )
        const server = await workers()
        const apply = async (cores: number) => {
          for (const sql of dialect.indexBuildCores(cores)) await conn.query(sql)
          return workers()
        }
        expect(await apply(1)).toBe(0)
        expect(await apply(2)).toBe(Math.min(server, 1))
        // Asked for more than the server allows: the server's setting, read afresh each time (not the
        // session's value set a moment ago, which would only ever go down).
        expect(await apply(1000)).toBe(server)
        await apply(1)
        for (const sql of dialect.loadSession.after) await conn.query(sql)
        expect(await workers()).toBe(server)
      } finally {
        await conn.close()
      }
    })
  })

describe("flushing the server's pending writes before each timed load (bench-seed)", () => {
  for (const db of TEST_DATABASES)
    describe.skipIf(skipped(db))(db.dialect, () => {
      it(
        db.dialect === 'postgres'
          ? 'asks for a checkpoint, and the server counts one'
          : 'says the server offers none',
        async () => {
          const server = await openTestServer(db)
          try {
            if (db.dialect !== 'postgres') {
              expect(await server.flushWrites()).toBe(false)
              return
            }
            const raw = new RawServer(requireUrl(db))
            const requested = () =>
              raw.admin(async (s) =>
                Number(
                  (await s.execute('SELECT checkpoints_req FROM pg_stat_bgwriter', [])).rows[0]
                    ?.checkpoints_req,
                ),
              )
            const before = await requested()
            expect(await server.flushWrites()).toBe(true)
            expect(await requested()).toBeGreaterThan(before)
          } finally {
            await server.close()
          }
        },
      )
    })
})

describe('creating a database while the caller works on', () => {
  for (const db of TEST_DATABASES)
    describe.skipIf(skipped(db))(db.dialect, () => {
      it('runs the work beside the creation and hands back a marked session; a failed work leaves no database', async () => {
        const server = await openTestServer(db)
        try {
          const kept = DatabaseServer.uniqueName('while_creating')
          let worked = false
          const conn = await server.createAndOpen(kept, 'while-creating test', async () => {
            // The database is marked while the work goes on, not after it (a process killed meanwhile
            // leaves a database delbench knows as its own).
            await eventually(
              async () => ((await server.listDatabases(kept))[0]?.marked ? true : undefined),
              'the new database to carry the marker',
            )
            worked = true
          })
          try {
            expect(worked).toBe(true)
            expect(
              Number(
                await scalar(
                  conn,
                  "SELECT COUNT(*) FROM delbench_marker WHERE marker = 'created by delbench'",
                ),
              ),
            ).toBe(1)
          } finally {
            await conn.close()
            await server.dropDatabase(kept)
          }
          const refused = DatabaseServer.uniqueName('while_creating')
          await expect(
            server.createAndOpen(refused, 'while-creating test', async () => {
              throw new Error('the work failed')
            }),
          ).rejects.toThrow('the work failed')
          expect(await server.listDatabases(refused)).toEqual([])
        } finally {
          await server.close()
        }
      })

      it('a seed the disk cannot hold is refused with the estimate and leaves no database behind', async () => {
        const server = await openTestServer(db)
        try {
          const request = { scenario: errorLog, scale: 900, seed: 4711 }
          await expect(seedScenario(server, request)).rejects.toThrow(/needs about \d+ GB/)
          expect(await server.listDatabases(seedDatabaseName(request))).toEqual([])
        } finally {
          await server.close()
        }
      })
    })
})
