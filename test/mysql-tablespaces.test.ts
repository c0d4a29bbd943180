import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DatabaseServer } from '../db/database-server.js'
import { parseDatabaseSpec } from '../db/database-url.js'
import { MysqlDialect } from '../db/mysql/mysql-dialect.js'
import { MysqlProvisioner } from '../db/mysql/mysql-provisioner.js'
import { MysqlTablespaces } from '../db/mysql/mysql-tablespaces.js'
import { library } from '../scenarios/builtins/library.js'
import { scenarioTables } from '../scenarios/scenario-tables.js'
import { tableChecksums } from '../seeds/checksum.js'
import { generatedChecksums } from '../seeds/generated-checksums.js'
import { restoreWorkingCopy } from '../seeds/restore-working-copy.js'
import { seedScenario } from '../seeds/seeder.js'
import { requireUrl, skipped, TEST_DATABASES } from './support/servers.js'
import { openTestServer } from './support/test-server.js'

const mysql = TEST_DATABASES.find((d) => d.dialect === 'mysql') ?? { dialect: 'mysql', url: undefined }
const request = { scenario: library, scale: 0.02, seed: 12 }
const tables = scenarioTables(library)

describe.skipIf(skipped(mysql))('MySQL restores by copying table files (transportable tablespaces)', () => {
  let server: DatabaseServer
  let pristine: string
  let reachable: boolean
  const tablespaces = () => {
    const spec = parseDatabaseSpec(requireUrl(mysql))
    if (!('address' in spec)) throw new Error('a MySQL URL has an address')
    return { spec, files: new MysqlTablespaces(spec.address) }
  }

  beforeAll(async () => {
    server = await openTestServer(mysql)
    pristine = (await seedScenario(server, request, () => {}, { force: true })).database
    // Whether this process can reach the server's files: the test machine's own server, as root.
    const conn = await server.openDatabase(pristine)
    const { rows } = await conn.query<{ d: string }>('SELECT @@datadir AS d').finally(() => conn.close())
    reachable = existsSync(`${rows[0]?.d}/${pristine}`) && process.getuid?.() === 0
    if (!reachable)
      console.log('mysql-tablespaces: the server files are out of reach, only the fallback is tested')
  })
  afterAll(async () => {
    await server?.dropDatabase(pristine).catch(() => {})
    await server?.close()
  })

  /** CHECKSUM TABLE of each scenario table, in the working copy and in the pristine database. */
  const serverChecksums = async (working: string) => {
    const conn = await server.openDatabase(working)
    try {
      const sums = []
      for (const t of tables) {
        const { rows } = await conn.query<{ Checksum: string | number | null }>(
          `CHECKSUM TABLE \`${t.name}\`, \`${pristine}\`.\`${t.name}\``,
        )
        sums.push({ table: t.name, working: String(rows[0]?.Checksum), pristine: String(rows[1]?.Checksum) })
      }
      return sums
    } finally {
      await conn.close()
    }
  }

  const deleteMost = async (on: DatabaseServer, working: string) => {
    const conn = await on.openDatabase(working)
    await conn.transaction(async (tx) => {
      await tx.query('DELETE FROM books WHERE library_id <> 2')
      await tx.query("UPDATE donors SET name = 'changed' WHERE id <= 3")
    })
    await conn.close()
  }

  it('copies the files in, proves the copy equal, and drops the kept files with the pristine database', async () => {
    const working = DatabaseServer.uniqueName('tablespace_work')
    const expected = await generatedChecksums(request)
    const kept = tablespaces().files.folderOf(pristine)
    try {
      const first = await restoreWorkingCopy(server, pristine, working, tables)
      expect(first.method).toBe(reachable ? 'tablespace' : 'clone')
      expect(existsSync(kept)).toBe(reachable)
      for (let round = 0; round < 2; round++) {
        await deleteMost(server, working)
        const again = await restoreWorkingCopy(server, pristine, working, tables)
        expect(again.method).toBe(reachable ? 'tablespace' : 'clone')
        for (const sum of await serverChecksums(working)) {
          expect(sum.working, sum.table).toBe(sum.pristine)
          expect(sum.working, sum.table).not.toBe('null')
        }
        const conn = await server.openDatabase(working)
        expect(
          await tableChecksums(conn, server.dialect.adapter, tables).finally(() => conn.close()),
        ).toEqual(expected)
      }
      // No export file is left in the working copy's folder: only the server's own files.
      await server.dropDatabase(working)
      // A pristine database dropped (as `delbench clean` does) takes its kept files along.
      const copy = DatabaseServer.uniqueName('tablespace_pristine')
      await server.cloneDatabase(pristine, copy)
      const scratch = DatabaseServer.uniqueName('tablespace_work')
      await restoreWorkingCopy(server, copy, scratch, tables)
      await server.dropDatabase(scratch)
      expect(existsSync(tablespaces().files.folderOf(copy))).toBe(reachable)
      await server.dropDatabase(copy)
      expect(existsSync(tablespaces().files.folderOf(copy))).toBe(false)
    } finally {
      await server.dropDatabase(working).catch(() => {})
    }
  })

  it('copies rows, or repairs a small change, where the server is remote', async () => {
    const { spec } = tablespaces()
    if (!('address' in spec)) throw new Error('a MySQL URL has an address')
    const remote = new DatabaseServer({
      dialect: new MysqlDialect(),
      // The same server seen as another machine's: its files are not this process's to copy.
      provisioner: new MysqlProvisioner(
        spec.address,
        undefined,
        new MysqlTablespaces({ ...spec.address, host: 'db.example.invalid' }),
      ),
      display: 'remote',
    })
    const working = DatabaseServer.uniqueName('tablespace_remote')
    try {
      expect((await restoreWorkingCopy(remote, pristine, working, tables)).method).toBe('clone')
      const conn = await remote.openDatabase(working)
      await conn.query('DELETE FROM books WHERE id <= 5')
      await conn.close()
      expect((await restoreWorkingCopy(remote, pristine, working, tables)).method).toBe('refresh')
      await deleteMost(remote, working)
      expect((await restoreWorkingCopy(remote, pristine, working, tables)).method).toBe('clone')
      for (const sum of await serverChecksums(working)) expect(sum.working, sum.table).toBe(sum.pristine)
    } finally {
      await remote.dropDatabase(working).catch(() => {})
      await remote.close()
    }
  })
})
