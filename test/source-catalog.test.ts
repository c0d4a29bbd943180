import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DelbenchError } from '../core/errors.js'
import type { Catalog, CatalogReadOptions, CatalogTable } from '../db/catalog.js'
import { assembleCatalog } from '../db/catalog-assembly.js'
import { beginMysqlCatalogRead, mysqlCatalogSource } from '../db/mysql/mysql-catalog.js'
import { readSourceCatalog } from '../db/source-catalog.js'
import {
  createImportFixture,
  fileChecksum,
  type ImportFixture,
  tableChecksum,
} from './support/import-fixture.js'
import { RawServer, randomSuffix } from './support/raw-server.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { tempFolder } from './support/temp-folders.js'

const OPTIONS: CatalogReadOptions = { exact: false, sampleRows: 1000, statementTimeoutMs: 30_000 }
const TABLES = [
  'audit_log',
  'events',
  'order_lines',
  'orders',
  'posts',
  'products',
  'refunds',
  'staff',
  'stores',
  'threads',
  'users',
]
const SECRET = 'sekrit-pw-4711'

function table(catalog: Catalog, name: string): CatalogTable {
  const found = catalog.tables.find((t) => t.name === name)
  if (!found) throw new Error(`no table ${name} in the catalog`)
  return found
}

function column(catalog: Catalog, tableName: string, name: string) {
  const found = table(catalog, tableName).columns.find((c) => c.name === name)
  if (!found) throw new Error(`no column ${tableName}.${name} in the catalog`)
  return found
}

function fk(catalog: Catalog, tableName: string, columns: readonly string[]) {
  const found = table(catalog, tableName).foreignKeys.find((f) => f.columns.join() === columns.join())
  if (!found) throw new Error(`no FK ${tableName}(${columns.join()}) in the catalog`)
  return found
}

async function refusal(read: Promise<unknown>): Promise<DelbenchError> {
  const error = await read.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DelbenchError)
  const message = (error as DelbenchError).message
  expect(message).not.toContain('\n')
  expect(message).not.toContain(SECRET)
  return error as DelbenchError
}

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`delbench import's catalog reader on ${db.dialect}`, () => {
    let fixture: ImportFixture
    let catalog: Catalog
    const checksumsBefore = new Map<string, string>()
    let fileBefore = ''
    let countersBefore: unknown[] = []

    const q = (name: string) => (db.dialect === 'mysql' ? `\`${name}\`` : `"${name}"`)
    const count = async (sql: string) => Number(Object.values((await fixture.query(sql))[0] ?? {})[0])
    const pgCounters = () =>
      fixture.query(
        'SELECT relname, n_tup_ins, n_tup_upd, n_tup_del, n_tup_hot_upd FROM pg_stat_user_tables ORDER BY relname',
      )

    beforeAll(async () => {
      fixture = await createImportFixture(db)
      for (const t of TABLES) checksumsBefore.set(t, await tableChecksum(fixture, t))
      if (db.dialect === 'sqlite') fileBefore = fileChecksum(fixture.url)
      if (db.dialect === 'postgres') countersBefore = await pgCounters()
      catalog = await readSourceCatalog(fixture.url, {
        ...OPTIONS,
        target: { table: 'orders', where: "placed_at < '2024-03-01'" },
      })
    }, 120_000)
    afterAll(async () => {
      await fixture?.drop()
    })

    it('reads every base table once, partitions folded into their parent, and no credentials', () => {
      expect(catalog.tables.map((t) => t.name).sort()).toEqual(TABLES)
      expect(catalog.product).toMatch(/^(PostgreSQL|MariaDB|MySQL|SQLite)$/)
      expect(catalog.version).toMatch(/^\d+\.\d+/)
      expect(catalog.database).toBe(db.dialect === 'sqlite' ? 'forum-shop.db' : fixture.name)
      expect(JSON.stringify(catalog)).not.toMatch(/127\.0\.0\.1|localhost|password/)
      const audit = table(catalog, 'audit_log')
      if (db.dialect === 'sqlite') expect(audit.partitioning).toBeUndefined()
      else expect(audit.partitioning).toEqual({ method: 'range', columns: ['logged_at'], partitions: 2 })
    })

    it('reads columns with their kinds, sizes, enum labels, identity and generated columns', () => {
      expect(column(catalog, 'posts', 'id').identity).toBe(true)
      expect(column(catalog, 'users', 'id').identity).toBe(true)
      expect(column(catalog, 'threads', 'id').kind).toBe('uuid')
      expect(column(catalog, 'posts', 'thread_id').kind).toBe('uuid')
      expect(column(catalog, 'posts', 'status')).toMatchObject({
        kind: 'enum',
        enumValues: ['draft', 'published', 'hidden'],
        nullable: false,
      })
      expect(column(catalog, 'orders', 'state').enumValues).toEqual(['cart', 'paid', 'shipped', 'cancelled'])
      expect(column(catalog, 'posts', 'body_length').generated).toBe(true)
      expect(column(catalog, 'posts', 'body').generated).toBe(false)
      expect(column(catalog, 'users', 'profile').kind).toBe('json')
      expect(column(catalog, 'users', 'is_admin').kind).toBe('boolean')
      expect(column(catalog, 'users', 'handle')).toMatchObject({
        kind: 'varchar',
        length: 40,
        nullable: false,
      })
      expect(column(catalog, 'users', 'email').nullable).toBe(true)
      expect(column(catalog, 'products', 'sku')).toMatchObject({ kind: 'char', length: 12 })
      expect(column(catalog, 'products', 'photo').kind).toBe('bytes')
      expect(column(catalog, 'orders', 'total')).toMatchObject({ kind: 'numeric', precision: 12, scale: 2 })
      expect(column(catalog, 'orders', 'placed_at').kind).toBe('timestamptz')
      expect(column(catalog, 'posts', 'status').default).toMatch(/published/)
      const tags = column(catalog, 'threads', 'tags')
      if (db.dialect === 'postgres') expect(tags).toMatchObject({ kind: 'array', element: 'text' })
      else expect(tags.kind).toBe('json')
    })

    it('reads composite keys, the self-reference, the store/staff cycle, indexed and unindexed FKs', () => {
      expect(table(catalog, 'order_lines').primaryKey).toEqual(['order_id', 'line_no'])
      expect(fk(catalog, 'refunds', ['order_id', 'line_no'])).toMatchObject({
        references: 'order_lines',
        referencedColumns: ['order_id', 'line_no'],
        onDelete: 'cascade',
        indexed: true,
      })
      expect(fk(catalog, 'posts', ['parent_id'])).toMatchObject({
        references: 'posts',
        referencedColumns: ['id'],
        onDelete: 'cascade',
        indexed: true,
      })
      expect(fk(catalog, 'stores', ['manager_id'])).toMatchObject({
        references: 'staff',
        onDelete: 'set null',
      })
      expect(column(catalog, 'stores', 'manager_id').nullable).toBe(true)
      expect(fk(catalog, 'staff', ['store_id'])).toMatchObject({ references: 'stores', onDelete: 'cascade' })
      expect(fk(catalog, 'orders', ['store_id']).onDelete).toBe('restrict')
      // InnoDB indexes every FK itself; elsewhere posts.author_id is left without one.
      expect(fk(catalog, 'posts', ['author_id']).indexed).toBe(db.dialect === 'mysql')
      expect(table(catalog, 'events').primaryKey).toEqual([])
      expect(table(catalog, 'users').uniques).toEqual([['handle']])
      expect(table(catalog, 'orders').indexes).toContainEqual(['placed_at'])
      expect(table(catalog, 'orders').deleteTriggers).toEqual(['orders_deleted'])
      expect(table(catalog, 'posts').deleteTriggers).toEqual([])
    })

    it('estimates row counts close to the exact counts', async () => {
      for (const t of TABLES) {
        const exact = await count(`SELECT COUNT(*) FROM ${q(t)}`)
        const { estimate } = table(catalog, t).rows
        expect(Math.abs(estimate - exact), `${t}: estimate ${estimate}, exact ${exact}`).toBeLessThanOrEqual(
          exact * 0.1,
        )
      }
    })

    it('reads value shapes: null fractions, distinct counts, common values, ranges, timestamps in UTC', () => {
      for (const t of catalog.tables)
        for (const c of t.columns) expect(c.stats, `${t.name}.${c.name}`).toBeDefined()
      const expectedSource = db.dialect === 'sqlite' ? 'sample' : 'statistics'
      const state = column(catalog, 'orders', 'state').stats
      expect(state?.source).toBe(expectedSource)
      expect(state?.mostCommon?.[0]?.value).toBe('shipped')
      expect(state?.mostCommon?.[0]?.frequency).toBeCloseTo(0.6, 1)
      expect(column(catalog, 'orders', 'customer_id').stats?.nullFraction).toBeCloseTo(1 / 7, 1)
      expect(column(catalog, 'events', 'kind').stats?.distinct).toBe(3)
      // Lengths come from a sample: within the true range of 5 ('user1') to 8 ('user2000') characters.
      const handle = column(catalog, 'users', 'handle').stats
      expect(handle?.minLength).toBeGreaterThanOrEqual(5)
      expect(handle?.minLength).toBeLessThanOrEqual(6)
      expect(handle?.maxLength).toBe(8)
      expect(column(catalog, 'orders', 'placed_at').stats?.min).toMatch(/^2024-01-\d\dT\d\d:\d\d:\d\dZ$/)
      const users = column(catalog, 'users', 'id').stats?.distinct ?? 0
      expect(users).toBeGreaterThan(1500)
      expect(users).toBeLessThanOrEqual(2000)
    })

    it('measures FK fan-out close to the exact mean, with childless parents and null references', async () => {
      const edges = [
        ['posts', ['thread_id'], 'threads'],
        ['posts', ['parent_id'], 'posts'],
        ['order_lines', ['order_id'], 'orders'],
        ['refunds', ['order_id', 'line_no'], 'order_lines'],
        ['staff', ['store_id'], 'stores'],
        ['stores', ['manager_id'], 'staff'],
        ['orders', ['customer_id'], 'users'],
      ] as const
      for (const [child, columns, parent] of edges) {
        const fanOut = fk(catalog, child, columns).fanOut
        const present = columns.map((c) => `${q(c)} IS NOT NULL`).join(' AND ')
        const children = await count(`SELECT COUNT(*) FROM ${q(child)} WHERE ${present}`)
        const exact = children / (await count(`SELECT COUNT(*) FROM ${q(parent)}`))
        expect(fanOut, `${child}(${columns.join()})`).toBeDefined()
        expect(
          Math.abs((fanOut?.mean ?? 0) - exact),
          `${child}: ${fanOut?.mean} vs ${exact}`,
        ).toBeLessThanOrEqual(exact * 0.35 + 0.1)
      }
      // Every store has ten staff; only 15 of the 200 staff manage a store.
      expect(fk(catalog, 'staff', ['store_id']).fanOut).toMatchObject({ mean: 10, stddev: 0, childless: 0 })
      expect(fk(catalog, 'stores', ['manager_id']).fanOut?.childless).toBeCloseTo(185 / 200, 2)
      expect(fk(catalog, 'stores', ['manager_id']).fanOut?.nullShare).toBeCloseTo(0.25, 2)
    })

    it("estimates the target's rows with the database's own means", async () => {
      const exact = await count(`SELECT COUNT(*) FROM orders WHERE placed_at < '2024-03-01'`)
      const target = catalog.target
      expect(target).toMatchObject({ table: 'orders', where: "placed_at < '2024-03-01'" })
      expect(target?.method).toBe(db.dialect === 'sqlite' ? 'exact' : 'estimate')
      expect(Math.abs((target?.rows ?? 0) - exact)).toBeLessThanOrEqual(exact * 0.25)
    })

    it('leaves the source unchanged: every row, and (PostgreSQL) the write counters', async () => {
      for (const t of TABLES) expect(await tableChecksum(fixture, t), t).toBe(checksumsBefore.get(t))
      if (db.dialect === 'sqlite') expect(fileChecksum(fixture.url)).toBe(fileBefore)
      if (db.dialect === 'postgres') expect(await pgCounters()).toEqual(countersBefore)
    })

    it('counts exactly only when asked, and reads only the tables asked for', async () => {
      const exact = await readSourceCatalog(fixture.url, {
        ...OPTIONS,
        exact: true,
        tables: ['orders', 'stores'],
        target: { table: 'orders', where: "state = 'cart'" },
      })
      expect(exact.tables.map((t) => t.name)).toEqual(['orders', 'stores'])
      expect(table(exact, 'orders').rows.exact).toBe(5000)
      expect(exact.target).toMatchObject({ rows: 500, method: 'exact' })
      expect(table(catalog, 'orders').rows.exact).toBeUndefined()
    })

    it.skipIf(db.dialect === 'sqlite')('stops at the statement timeout, in one line', async () => {
      const sleep = db.dialect === 'postgres' ? 'pg_sleep(0.01) IS NOT NULL' : 'SLEEP(0.01) = 0'
      const read = readSourceCatalog(fixture.url, {
        ...OPTIONS,
        exact: true,
        statementTimeoutMs: 300,
        target: { table: 'orders', where: sleep },
      })
      // Counting 5000 rows that sleep 10 ms each takes 50 s: the 300 ms limit stops it.
      expect((await refusal(read)).message).toMatch(
        /a statement ran longer than the 300 ms statement timeout/,
      )
    })

    it.skipIf(db.dialect !== 'mysql')(
      "moves none of its own session's write counters (Handler_*)",
      async () => {
        const raw = new RawServer(fixture.url)
        const session = await raw.session(fixture.name)
        const handlers = async () =>
          Object.fromEntries(
            (
              await session.execute(
                "SHOW SESSION STATUS WHERE Variable_name IN ('Handler_write', 'Handler_update', 'Handler_delete')",
                [],
              )
            ).rows.map((r) => [String(r.Variable_name), String(r.Value)]),
          )
        try {
          const before = await handlers()
          await beginMysqlCatalogRead(session, OPTIONS)
          const read = await assembleCatalog(await mysqlCatalogSource(session), OPTIONS)
          await session.execute('ROLLBACK', [])
          expect(read.tables).toHaveLength(TABLES.length)
          expect(await handlers()).toEqual(before)
        } finally {
          await session.close()
        }
      },
    )

    it.skipIf(db.dialect !== 'postgres')(
      'reads as a role with only SELECT and USAGE grants, and refuses one without SELECT in one line',
      async () => {
        const raw = new RawServer(fixture.url)
        const reader = `delbench_test_import_ro_${randomSuffix()}`
        const stranger = `delbench_test_import_none_${randomSuffix()}`
        const admin = (sql: string) => raw.admin((s) => s.execute(sql, []), fixture.name)
        const urlAs = (role: string) => {
          const url = new URL(fixture.url)
          url.username = role
          url.password = SECRET
          return url.href
        }
        try {
          for (const role of [reader, stranger]) {
            await admin(`CREATE ROLE ${role} LOGIN PASSWORD '${SECRET}' NOSUPERUSER NOCREATEDB NOCREATEROLE`)
            await admin(`GRANT CONNECT ON DATABASE ${fixture.name} TO ${role}`)
            await admin(`GRANT USAGE ON SCHEMA public TO ${role}`)
          }
          await admin(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${reader}`)
          const read = await readSourceCatalog(urlAs(reader), OPTIONS)
          expect(read.tables.map((t) => t.name).sort()).toEqual(TABLES)
          expect(column(read, 'orders', 'state').stats?.source).toBe('statistics')
          expect(fk(read, 'refunds', ['order_id', 'line_no']).fanOut).toBeDefined()
          const refused = await refusal(readSourceCatalog(urlAs(stranger), OPTIONS))
          expect(refused.message).toMatch(
            /was refused \(no privilege to read its catalog\): permission denied/,
          )
        } finally {
          for (const role of [reader, stranger]) {
            await admin(`DROP OWNED BY ${role}`).catch(() => {})
            await admin(`DROP ROLE IF EXISTS ${role}`)
          }
        }
      },
    )

    it.skipIf(db.dialect === 'sqlite')(
      'counts a table the catalog has no estimate for, up to a bound, and says so',
      async () => {
        // Last of this block: it adds a table to the source (ANALYZE never ran on it), then drops it.
        const create =
          db.dialect === 'postgres'
            ? 'CREATE TABLE fresh AS SELECT g AS id FROM generate_series(1, 40) AS g'
            : 'CREATE TABLE fresh ENGINE = MyISAM AS SELECT id FROM orders WHERE id <= 40'
        await fixture.query(create)
        try {
          const read = await readSourceCatalog(fixture.url, { ...OPTIONS, tables: ['fresh'] })
          const fresh = table(read, 'fresh')
          if (db.dialect === 'postgres') {
            expect(fresh.rows.estimate).toBe(40)
            expect(fresh.notes).toContain(
              'no row estimate in the catalog (never analysed): counted its 40 rows',
            )
            expect(fresh.notes).toContain(
              'no statistics in the catalog (never analysed): shapes from a sample',
            )
          }
          expect(column(read, 'fresh', 'id').stats).toMatchObject({ source: 'sample', distinct: 40 })
        } finally {
          await fixture.query('DROP TABLE fresh')
        }
      },
    )

    it('refuses an unknown table, a bad predicate and a missing database in one line', async () => {
      const unknown = await refusal(
        readSourceCatalog(fixture.url, { ...OPTIONS, tables: ['orders', 'nope'] }),
      )
      expect(unknown.message).toMatch(
        /--tables: no base table 'nope' in database .* \(it has: audit_log, events/,
      )
      const target = (where: string) =>
        readSourceCatalog(fixture.url, { ...OPTIONS, target: { table: 'orders', where } })
      expect((await refusal(target('1 = 1; DELETE FROM orders'))).message).toMatch(/contains ';'/)
      expect((await refusal(target('id IN (SELECT id FROM orders)'))).message).toMatch(/contains 'SELECT'/)
      expect((await refusal(target('no_such_column > 3'))).message).toMatch(/is not a valid predicate on it/)
      const noTarget = readSourceCatalog(fixture.url, {
        ...OPTIONS,
        target: { table: 'nope', where: 'x = 1' },
      })
      expect((await refusal(noTarget)).message).toMatch(/--target: no base table 'nope'/)
      const missing =
        db.dialect === 'sqlite'
          ? `${fixture.url}.missing`
          : fixture.url.replace(fixture.name, `${fixture.name}_missing`)
      expect((await refusal(readSourceCatalog(missing, OPTIONS))).message).toMatch(/no (SQLite )?database/)
    })
  })
}

/** Refusals that need no fixture: URLs that cannot be read, servers that do not answer. */
describe('delbench import refuses sources it cannot read', () => {
  it('refuses a bad URL, a throw-away server and an unreachable port without showing the password', async () => {
    expect((await refusal(readSourceCatalog(`postgres://me:${SECRET}@[oops/db`, OPTIONS))).message).toMatch(
      /not a valid URL/,
    )
    expect((await refusal(readSourceCatalog('postgres', OPTIONS))).message).toMatch(
      /reads an existing database/,
    )
    expect(
      (await refusal(readSourceCatalog(`mysql://me:${SECRET}@127.0.0.1:3306/`, OPTIONS))).message,
    ).toMatch(/names no database/)
    const unreachable = await refusal(readSourceCatalog(`postgres://me:${SECRET}@127.0.0.1:1/shop`, OPTIONS))
    expect(unreachable.message).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:1: connection refused/)
    const notDatabase = path.join(tempFolder('import-refusals'), 'notes.txt')
    fs.writeFileSync(notDatabase, 'not a database, only text that is long enough to fill a header '.repeat(4))
    expect((await refusal(readSourceCatalog(notDatabase, OPTIONS))).message).toMatch(
      /reading SQLite file .*notes\.txt failed: file is not a database/,
    )
    expect((await refusal(readSourceCatalog(path.dirname(notDatabase), OPTIONS))).message).toMatch(
      /is not a file/,
    )
    const mysqlDown = await refusal(readSourceCatalog(`mariadb://me:${SECRET}@127.0.0.1:1/shop`, OPTIONS))
    expect(mysqlDown.message).toMatch(/cannot reach .*127\.0\.0\.1:1/)
  })
})
