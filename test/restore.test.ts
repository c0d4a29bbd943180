import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DatabaseServer } from '../db/database-server.js'
import { library } from '../scenarios/builtins/library.js'
import { tableChecksums } from '../seeds/checksum.js'
import { generatedChecksums } from '../seeds/generated-checksums.js'
import { scenarioTables } from '../scenarios/scenario-tables.js'
import { seedScenario } from '../seeds/seeder.js'
import { restoreWorkingCopy } from '../seeds/restore-working-copy.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { openTestServer } from './support/test-server.js'

const request = { scenario: library, scale: 0.02, seed: 11 }
const tables = scenarioTables(library)

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`restoring a working copy on ${db.dialect}`, () => {
    let server: DatabaseServer
    let pristine: string
    const working = DatabaseServer.uniqueName('restore_work')

    beforeAll(async () => {
      server = await openTestServer(db)
      pristine = (await seedScenario(server, request, () => {}, { force: true })).database
    })
    afterAll(async () => {
      await server?.dropDatabase(working).catch(() => {})
      await server?.dropDatabase(pristine).catch(() => {})
      await server?.close()
    })

    const workingChecksums = async () => {
      const conn = await server.openDatabase(working)
      return tableChecksums(conn, server.dialect.adapter, tables).finally(() => conn.close())
    }

    it('gives back exactly the seeded data after a strategy deleted, updated and traffic inserted rows', async () => {
      const expected = await generatedChecksums(request)
      const first = await restoreWorkingCopy(server, pristine, working, tables)
      // MySQL copies its table files in where this process can reach them (its own server, as root).
      const files = db.dialect === 'mysql' && first.method === 'tablespace'
      expect(first.method).toBe(files ? 'tablespace' : 'clone')
      expect(await workingChecksums()).toEqual(expected)

      // A small change (a few books, their donors touched, a donor added by traffic): MySQL copies its
      // files in, or without them repairs the copy in place; then a mass deletion, after which every
      // dialect copies afresh (MySQL: its files again).
      const changes = [
        {
          deleteBooks: 'id <= 10',
          libraries: false,
          method: files ? 'tablespace' : db.dialect === 'mysql' ? 'refresh' : 'clone',
        },
        { deleteBooks: 'library_id = 1', libraries: true, method: files ? 'tablespace' : 'clone' },
      ]
      for (const change of changes) {
        const conn = await server.openDatabase(working)
        await conn.transaction(async (tx) => {
          await tx.query(
            `UPDATE donors SET updated_at = '2026-06-01 00:00:00' WHERE id IN (SELECT donor_id FROM books WHERE ${change.deleteBooks})`,
          )
          await tx.query(`DELETE FROM books WHERE ${change.deleteBooks}`)
          if (change.libraries) await tx.query('DELETE FROM libraries WHERE id = 1')
          await tx.query(
            "INSERT INTO donors (id, name, created_at, updated_at) VALUES (999999, 'new', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
          )
        })
        await conn.close()
        expect(await workingChecksums()).not.toEqual(expected)

        const restored = await restoreWorkingCopy(server, pristine, working, tables)
        expect(restored.method).toBe(change.method)
        expect(restored.seconds).toBeGreaterThan(0)
        expect(await workingChecksums()).toEqual(expected)
      }
      // The pristine database itself was never touched.
      const conn = await server.openDatabase(pristine)
      expect(await tableChecksums(conn, server.dialect.adapter, tables).finally(() => conn.close())).toEqual(
        expected,
      )
    })
  })
}
