import { describe, expect, it } from 'vitest'
import { parseDatabaseSpec } from '../db/database-url.js'
import { probeAdvisoryLock } from '../db/advisory-lock.js'
import { DatabaseServer } from '../db/database-server.js'
import { MysqlDialect } from '../db/mysql/mysql-dialect.js'
import { openServer } from '../db/open-server.js'
import { PostgresDialect } from '../db/postgres/postgres-dialect.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { openTestServer, tempFolder } from './support/test-server.js'

/** What each dialect must find on the servers of this project's machines (PostgreSQL 15, MariaDB 10.11). */
const EXPECTED = {
  sqlite: {
    product: /^SQLite$/,
    deleteLimit: true,
    advisoryLock: false,
    transactionalDdl: true,
    singleWriter: true,
    skipLocked: false,
    maxParams: 32766,
    setting: 'journal_mode',
  },
  postgres: {
    product: /^PostgreSQL$/,
    deleteLimit: false,
    advisoryLock: true,
    transactionalDdl: true,
    singleWriter: false,
    skipLocked: true,
    maxParams: 65535,
    setting: 'synchronous_commit',
  },
  mysql: {
    product: /^(MariaDB|MySQL)$/,
    deleteLimit: true,
    advisoryLock: true,
    transactionalDdl: false,
    singleWriter: false,
    // MariaDB 10.6+ and MySQL 8 have SKIP LOCKED.
    skipLocked: true,
    maxParams: 65535,
    setting: 'innodb_flush_log_at_trx_commit',
  },
} as const

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`server detection on ${db.dialect}`, () => {
    it('reports product, version, durability settings and probed capabilities, and leaves no database behind', async () => {
      const server = await openTestServer(db)
      try {
        const before = await server.listDatabases()
        const { server: info, capabilities } = await server.describe()
        const expected = EXPECTED[db.dialect]
        expect(info.product).toMatch(expected.product)
        expect(info.version).toMatch(/^\d+\.\d+/)
        expect(info.versionString).toContain(info.version)
        expect(info.settings[expected.setting]).toBeDefined()
        expect(capabilities).toMatchObject({
          deleteLimit: expected.deleteLimit,
          advisoryLock: expected.advisoryLock,
          transactionalDdl: expected.transactionalDdl,
          singleWriter: expected.singleWriter,
          skipLocked: expected.skipLocked,
          maxParams: expected.maxParams,
        })
        // Other runs may seed or drop their own databases on a shared server meanwhile: only probe
        // databases are this test's business.
        const probes = (list: readonly { name: string }[]) =>
          list.map((d) => d.name).filter((n) => n.startsWith('delbench_probe_'))
        const left = probes(await server.listDatabases()).filter((n) => !probes(before).includes(n))
        expect(left).toEqual([])
      } finally {
        await server.close()
      }
    })
  })
}

/** Each server dialect's advisory-lock statements, for probing every test server with each. */
const LOCK_SQL = [
  ['postgres', new PostgresDialect().advisoryLockSql],
  ['mysql', new MysqlDialect().advisoryLockSql],
] as const

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`capability probes on ${db.dialect}`, () => {
    it('find advisory locks only where the server has them: a probe with another server’s statements fails', async () => {
      const server = await openTestServer(db)
      const name = DatabaseServer.uniqueName('lock_probe')
      await server.createDatabase(name, 'advisory lock probe test')
      try {
        const conn = await server.openDatabase(name)
        try {
          for (const [dialect, sql] of LOCK_SQL)
            expect({ dialect, found: await probeAdvisoryLock(conn, sql) }).toEqual({
              dialect,
              found: dialect === db.dialect,
            })
        } finally {
          await conn.close()
        }
      } finally {
        await server.dropDatabase(name)
        await server.close()
      }
    })
  })
}

describe('SQLite durability settings', () => {
  it("keeps SQLite's own defaults unless told, and reports what is in force", async () => {
    const server = await openServer(parseDatabaseSpec(`sqlite:${tempFolder('durability')}`))
    const { server: info } = await server.describe()
    expect(info.settings).toMatchObject({ journal_mode: 'delete', synchronous: 'full', foreign_keys: 'on' })
    expect(info.notes.join(' ')).toMatch(/fsync/)
    await server.close()
  })

  it('applies --sqlite-journal and --sqlite-synchronous', async () => {
    const spec = parseDatabaseSpec(`sqlite:${tempFolder('durability')}`)
    const server = await openServer(spec, { sqlite: { journal: 'wal', synchronous: 'off' } })
    const { server: info } = await server.describe()
    expect(info.settings).toMatchObject({ journal_mode: 'wal', synchronous: 'off', foreign_keys: 'on' })
    await server.close()
  })
})

describe('SQLite journal mode is set on every open', () => {
  it('a file once opened in WAL is back on the rollback journal when no mode is asked for', async () => {
    const folder = tempFolder('journal')
    const wal = await openServer(parseDatabaseSpec(`sqlite:${folder}`), { sqlite: { journal: 'wal' } })
    await wal.createDatabase('delbench_journal_test', 'journal test')
    const walConn = await wal.openDatabase('delbench_journal_test')
    expect((await walConn.query<{ journal_mode: string }>('PRAGMA journal_mode')).rows[0]?.journal_mode).toBe(
      'wal',
    )
    await walConn.close()
    await wal.close()
    const plain = await openServer(parseDatabaseSpec(`sqlite:${folder}`))
    const conn = await plain.openDatabase('delbench_journal_test')
    expect((await conn.query<{ journal_mode: string }>('PRAGMA journal_mode')).rows[0]?.journal_mode).toBe(
      'delete',
    )
    await conn.close()
    await plain.dropDatabase('delbench_journal_test')
    await plain.close()
  })
})
