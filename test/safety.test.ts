import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseDatabaseSpec } from '../db/database-url.js'
import { DatabaseServer } from '../db/database-server.js'
import { SafetyError } from '../core/errors.js'
import { openServer } from '../db/open-server.js'
import { MARKER_TABLE } from '../db/ownership.js'
import { RawServer, randomSuffix } from './support/raw-server.js'
import { requireUrl, skipped, TEST_DATABASES } from './support/servers.js'
import { tempFolder } from './support/test-server.js'

/** What delbench does to its own databases in these tests: create, seed, read back, drop. */
async function createSeedAndDrop(server: DatabaseServer): Promise<void> {
  const name = DatabaseServer.uniqueName('safety')
  await server.createDatabase(name, 'safety test')
  const conn = await server.openDatabase(name)
  await conn.query('CREATE TABLE books (id INTEGER PRIMARY KEY, title VARCHAR(100) NOT NULL)')
  await conn.query("INSERT INTO books (id, title) VALUES (1, 'seeded by delbench'), (2, 'also delbench')")
  await conn.query('DELETE FROM books WHERE id = 1')
  await conn.close()
  // Owned by this process for its life: a killed test's scratch database is reclaimed by the next run.
  expect((await server.listDatabases()).find((d) => d.name === name)).toEqual({
    name,
    marked: true,
    owner: expect.objectContaining({ pid: process.pid }) as unknown,
  })
  await server.dropDatabase(name)
  expect((await server.listDatabases()).some((d) => d.name === name)).toBe(false)
}

async function expectRefusal(action: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(SafetyError)
  expect((error as Error).message).toMatch(message)
}

describe('safety on sqlite: only files delbench created are touched', () => {
  const lookalike = 'delbench_lookalike'
  const digest = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex')
  let folder = ''
  let canaryFile = ''
  let lookalikeFile = ''
  let before: { canary: string; lookalike: string }

  beforeAll(() => {
    // Made before the tests, not while the suite is collected.
    folder = tempFolder('safety')
    canaryFile = path.join(folder, 'app.sqlite')
    lookalikeFile = path.join(folder, `${lookalike}.sqlite`)
    for (const file of [canaryFile, lookalikeFile]) {
      const db = new Database(file)
      db.exec(
        "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO books VALUES (1, 'precious')",
      )
      db.close()
    }
    before = { canary: digest(canaryFile), lookalike: digest(lookalikeFile) }
  })

  it('creates, seeds and drops its own files and leaves the others byte for byte', async () => {
    const server = await openServer(parseDatabaseSpec(`sqlite:${folder}`))
    try {
      await createSeedAndDrop(server)
      await expectRefusal(server.openDatabase(lookalike), /no delbench_marker table/)
      await expectRefusal(server.dropDatabase(lookalike), /no delbench_marker table/)
      await expectRefusal(server.createDatabase(lookalike, 'x'), /exists already/)
      await expectRefusal(server.openDatabase('app'), /only works in databases it names delbench_/)
      expect(await server.listDatabases()).toEqual([{ name: lookalike, marked: false }])
    } finally {
      await server.close()
    }
    expect({ canary: digest(canaryFile), lookalike: digest(lookalikeFile) }).toEqual(before)
    expect(fs.readdirSync(folder).sort()).toEqual(['app.sqlite', `${lookalike}.sqlite`])
  })

  it('refuses a folder that is really someone else’s database file', async () => {
    const server = await openServer(parseDatabaseSpec(`sqlite:${canaryFile}`))
    await expect(server.createDatabase(DatabaseServer.uniqueName('x'), 'x')).rejects.toThrow(
      /must be a folder/,
    )
    await server.close()
    expect(digest(canaryFile)).toBe(before.canary)
  })
})

for (const db of TEST_DATABASES.filter((d) => d.dialect !== 'sqlite')) {
  describe.skipIf(skipped(db))(
    `safety on ${db.dialect}: a canary database passed as the URL is untouched`,
    () => {
      let raw: RawServer
      const canary = `canary_${randomSuffix()}`
      const lookalike = `delbench_lookalike_${randomSuffix()}`
      let canaryBefore: string
      let lookalikeBefore: string

      beforeAll(async () => {
        raw = new RawServer(requireUrl(db))
        for (const name of [canary, lookalike]) {
          await raw.createDatabase(name)
          await raw.admin(async (s) => {
            // Same table names as delbench's scenarios, and a table named like its marker but not it.
            await s.execute('CREATE TABLE books (id INTEGER PRIMARY KEY, title VARCHAR(50))', [])
            await s.execute("INSERT INTO books VALUES (1, 'precious'), (2, 'irreplaceable')", [])
            await s.execute('CREATE TABLE donors (id INTEGER PRIMARY KEY)', [])
          }, name)
        }
        await raw.admin(async (s) => {
          await s.execute(`CREATE TABLE ${MARKER_TABLE} (marker VARCHAR(64))`, [])
          await s.execute(`INSERT INTO ${MARKER_TABLE} VALUES ('not really')`, [])
        }, lookalike)
        canaryBefore = await raw.fingerprint(canary)
        lookalikeBefore = await raw.fingerprint(lookalike)
      })
      afterAll(async () => {
        await raw?.dropDatabase(canary)
        await raw?.dropDatabase(lookalike)
      })

      it('creates, seeds into and drops its own databases without changing the canary', async () => {
        const server = await openServer(parseDatabaseSpec(raw.urlFor(canary)))
        try {
          await createSeedAndDrop(server)
          await expectRefusal(server.openDatabase(canary), /only works in databases it names delbench_/)
          await expectRefusal(server.dropDatabase(canary), /only works in databases it names delbench_/)
        } finally {
          await server.close()
        }
        expect(await raw.fingerprint(canary)).toBe(canaryBefore)
      })

      it('refuses an unmarked database named like its own, on open, drop and create', async () => {
        const server = await openServer(parseDatabaseSpec(raw.urlFor(canary)))
        try {
          await expectRefusal(server.openDatabase(lookalike), /no delbench_marker table/)
          await expectRefusal(server.dropDatabase(lookalike), /no delbench_marker table/)
          await expectRefusal(server.createDatabase(lookalike, 'x'), /exists already/)
          expect((await server.listDatabases()).find((d) => d.name === lookalike)).toEqual({
            name: lookalike,
            marked: false,
          })
        } finally {
          await server.close()
        }
        expect(await raw.databaseExists(lookalike)).toBe(true)
        expect(await raw.fingerprint(lookalike)).toBe(lookalikeBefore)
        expect(await raw.fingerprint(canary)).toBe(canaryBefore)
      })

      it("ends a killed run's sessions on its own database only, never another's session of the same id", async () => {
        const server = await openServer(parseDatabaseSpec(raw.urlFor(canary)))
        const name = DatabaseServer.uniqueName('safety_sessions')
        try {
          await server.createDatabase(name, 'safety test')
          const own = await server.openDatabase(name)
          const idOf = async (q: (sql: string) => Promise<unknown[]>) =>
            Number(Object.values((await q(server.dialect.sessionIdSql ?? ''))[0] as object)[0])
          const ownId = await idOf(async (sql) => (await own.query(sql)).rows)
          // A session on the canary whose id a killed child might have reported (PostgreSQL reuses
          // process ids): it must outlive the cleanup, and the run's own session must not.
          await raw.admin(async (session) => {
            const canaryId = await idOf(async (sql) => (await session.execute(sql, [])).rows)
            await server.endSessions(name, [canaryId, ownId])
            expect((await session.execute('SELECT COUNT(*) AS n FROM books', [])).rows).toHaveLength(1)
          }, canary)
          await expect(own.query('SELECT 1 AS one')).rejects.toThrow()
          await own.close().catch(() => {})
          await server.dropDatabase(name)
        } finally {
          await server.close()
        }
        expect(await raw.fingerprint(canary)).toBe(canaryBefore)
      })
    },
  )
}
