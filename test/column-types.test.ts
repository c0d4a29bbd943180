import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseServer } from '../db/database-server.js'
import type { DialectName } from '../db/dialect.js'
import { loadScenarioFile, ScenarioFileError } from '../scenarios/scenario-file.js'
import { rowCounts } from '../scenarios/row-counts.js'
import { primaryKeyOf } from '../scenarios/scenario-keys.js'
import type { Scenario, ScenarioColumn, ScenarioTable } from '../scenarios/scenario.js'
import { scenarioTables } from '../scenarios/scenario-tables.js'
import { canonicalizer } from '../seeds/canonical-values.js'
import { tableChecksums } from '../seeds/checksum.js'
import { generatedChecksums } from '../seeds/generated-checksums.js'
import { uuidAt } from '../seeds/hash.js'
import { deriveSeed } from '../seeds/random.js'
import { rowBatches } from '../seeds/row-batches.js'
import { seedScenario } from '../seeds/seeder.js'
import { ValuePools } from '../seeds/value-pools.js'
import { faker } from '@faker-js/faker/locale/en'
import { BUILTIN_STRATEGIES } from '../strategies/builtins.js'
import { arrayLiteral } from '../db/postgres/postgres-copy-values.js'
import type { ColumnSpec } from '../core/table-spec.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { runOnce, useStrategyServer } from './support/strategy-run.js'
import { openTestServer, tempFolder } from './support/test-server.js'

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'column-types.json')
const SEED = 23
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** The fixture as loose JSON, for writing broken variants of it. */
type Doc = { tables: { columns: Record<string, unknown>[] }[] } & Record<string, unknown>
const valid = (): Doc => JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Doc

/** The error loading a variant of the fixture (changed by `edit`) gives: one line. */
async function loadError(edit: (doc: Doc) => void): Promise<string> {
  const doc = valid()
  edit(doc)
  const file = path.join(tempFolder('column-types'), 'scenario.json')
  fs.writeFileSync(file, JSON.stringify(doc))
  const error = await loadScenarioFile(file).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ScenarioFileError)
  const message = (error as Error).message
  expect(message).not.toContain('\n')
  return message.slice(message.indexOf('.json: ') + 7)
}

/** A column of the fixture's first table, by name, to break. */
const column = (doc: Doc, name: string, table = 0): Record<string, unknown> => {
  const found = doc.tables[table]?.columns.find((c) => c.name === name)
  if (!found) throw new Error(`no column ${name}`)
  return found
}

/** Every generated row of a table as canonical texts by column name. */
function generatedRows(scenario: Scenario, table: string, scale: number): Record<string, string>[] {
  const spec = scenario.tables.find((t) => t.name === table) as ScenarioTable
  const ctx = { scenario, seed: SEED, counts: rowCounts(scenario, scale), pools: new ValuePools(SEED, faker) }
  const canon = spec.columns.map((c) => canonicalizer(c))
  const rows: Record<string, string>[] = []
  for (const batch of rowBatches(spec, ctx))
    for (const row of batch)
      rows.push(
        Object.fromEntries(
          spec.columns.map((c, i) => [c.name, (canon[i] as (v: unknown) => string)(row[i])]),
        ),
      )
  return rows
}

const distinct = (rows: readonly Record<string, string>[], name: string): number =>
  new Set(rows.map((r) => r[name]).filter((v) => v !== '\\N')).size
const share = (
  rows: readonly Record<string, string>[],
  test: (r: Record<string, string>) => boolean,
): number => rows.filter(test).length / rows.length

describe('column types and value generators', () => {
  it('the fixture is valid and generates the same rows for the same seed', async () => {
    const scenario = await loadScenarioFile(FIXTURE)
    const request = { scenario, scale: 1, seed: SEED }
    expect(await generatedChecksums(request)).toEqual(await generatedChecksums(request))
    expect(await generatedChecksums(request)).not.toEqual(
      await generatedChecksums({ ...request, seed: SEED + 1 }),
    )
  })

  it('a uuid is version-4-shaped, unique per row and computable from the row number alone', async () => {
    const scenario = await loadScenarioFile(FIXTURE)
    const rows = generatedRows(scenario, 'accounts', 1)
    expect(rows.every((r) => UUID_V4.test(r.uid as string))).toBe(true)
    expect(distinct(rows, 'uid')).toBe(rows.length)
    const seed = deriveSeed(SEED, scenario.name, 'accounts', 'uid')
    expect(rows.map((r) => r.uid)).toEqual(rows.map((_, i) => uuidAt(seed, i)))
    const many = new Set(Array.from({ length: 100_000 }, (_, i) => uuidAt(seed, i)))
    expect(many.size).toBe(100_000)
  })

  it('a distinct count that is a large share of the rows grows with the table; a small one stays', async () => {
    const scenario = await loadScenarioFile(FIXTURE)
    // city: 50 of 400 rows (12.5%: proportional); level: 10 (fixed).
    const at1 = generatedRows(scenario, 'accounts', 1)
    const at4 = generatedRows(scenario, 'accounts', 4)
    expect(distinct(at1, 'city')).toBeGreaterThan(45)
    expect(distinct(at1, 'city')).toBeLessThanOrEqual(50)
    expect(distinct(at4, 'city')).toBeGreaterThan(180)
    expect(distinct(at4, 'city')).toBeLessThanOrEqual(200)
    expect(distinct(at1, 'level')).toBe(10)
    expect(distinct(at4, 'level')).toBe(10)
    expect(distinct(at4, 'nick')).toBe(at4.length)
  })

  it('refuses a generator that does not fit its column, in one line naming the field', async () => {
    expect(
      await loadError((d) => (column(d, 'tier').generate = { kind: 'choice', values: ['free', 'gold'] })),
    ).toBe(
      `tables[0].columns[13].generate.values[1]: "gold" does not fit a enum column (labels free, pro, team, it's)`,
    )
    expect(await loadError((d) => (column(d, 'level').generate = { kind: 'uuid' }))).toBe(
      'tables[0].columns[4].generate: a uuid generator does not fit a integer column',
    )
    expect(
      await loadError((d) => (column(d, 'tags').generate = { kind: 'text', minLength: 1, maxLength: 2 })),
    ).toBe('tables[0].columns[15].generate: a text generator does not fit a array column')
    expect(
      await loadError(
        (d) =>
          (column(d, 'scores').generate = {
            kind: 'array',
            of: { kind: 'uuid' },
            minLength: 0,
            maxLength: 1,
          }),
      ),
    ).toBe('tables[0].columns[16].generate.of: a uuid generator does not fit a integer column')
    expect(await loadError((d) => (column(d, 'active').generate = { kind: 'constant', value: 2 }))).toBe(
      'tables[0].columns[9].generate.value: 2 does not fit a boolean column',
    )
    expect(
      await loadError(
        (d) => (column(d, 'born').generate = { kind: 'histogram', bounds: ['2001-01-01', 'soon'] }),
      ),
    ).toBe(
      'tables[0].columns[10].generate.bounds[1]: "soon" is not a number, ISO date or timestamp like the others',
    )
    expect(
      await loadError((d) => (column(d, 'visits').generate = { kind: 'histogram', bounds: [5, 1] })),
    ).toBe('tables[0].columns[8].generate.bounds[1]: bounds must be ascending')
  })

  it('refuses settings a column type does not have, or lacks, in one line', async () => {
    expect(await loadError((d) => (column(d, 'level').nullFraction = 0.5))).toBe(
      'tables[0].columns[4].nullFraction: level is not nullable',
    )
    expect(await loadError((d) => delete column(d, 'tier').values)).toBe(
      'tables[0].columns[13].values: an enum column needs its labels',
    )
    expect(await loadError((d) => delete column(d, 'tags').element)).toBe(
      'tables[0].columns[15].element: an array column needs its element type',
    )
    expect(await loadError((d) => (column(d, 'ratio').scale = 2))).toBe(
      'tables[0].columns[7].scale: only a numeric column has scale',
    )
    expect(await loadError((d) => (column(d, 'balance').scale = 14))).toBe(
      'tables[0].columns[5].scale: 14 is above the precision 12',
    )
    expect(await loadError((d) => (column(d, 'tags').element = 'json'))).toMatch(
      /^tables\[0\]\.columns\[15\]\.element: /,
    )
    expect(await loadError((d) => (column(d, 'city').nullFraction = 1.5))).toMatch(
      /^tables\[0\]\.columns\[3\]\.nullFraction: /,
    )
    expect(
      await loadError(
        (d) => (column(d, 'nick').generate = { kind: 'text', minLength: 3, maxLength: 2, unique: true }),
      ),
    ).toBe('tables[0].columns[2].generate: minLength 3 is above 2')
  })
})

describe('canonical values', () => {
  const canon = (column: Omit<ColumnSpec, 'name'>) => canonicalizer({ name: 'c', ...column })

  it("give one text for a value whichever driver read it, and the generator's own", () => {
    const same = (column: Omit<ColumnSpec, 'name'>, ...forms: unknown[]) =>
      expect(new Set(forms.map(canon(column))).size, JSON.stringify(forms)).toBe(1)
    same({ type: 'numeric', scale: 2 }, '12.50', 12.5, '12.5')
    same({ type: 'boolean' }, true, 1, '1')
    same({ type: 'boolean' }, false, 0)
    same({ type: 'double' }, 0.1 + 0.2, '0.300000000000000', 0.3)
    same({ type: 'uuid' }, 'E44CCE32-0232-4E0D-A235-879253AB1750', 'e44cce32-0232-4e0d-a235-879253ab1750')
    same({ type: 'bytes' }, Buffer.from([0, 255, 16]), '00ff10')
    same(
      { type: 'timestamptz' },
      '2025-01-02 03:04:05',
      '2025-01-02 03:04:05+00',
      '2025-01-02 05:04:05+02',
      '2025-01-01 22:04:05-05:00',
      '2025-01-02 03:04:05.000000',
    )
    same({ type: 'date' }, '2025-01-02', new Date(Date.UTC(2025, 0, 2)))
    same({ type: 'array', element: 'bigint' }, ['5000000000', null], '[5000000000,null]')
    same({ type: 'array', element: 'boolean' }, [true, false], '[1,0]')
    same({ type: 'array', element: 'numeric' }, ['1.50', '2'], '[1.5,2]')
    expect(canon({ type: 'timestamptz' })('2025-01-02 03:04:05.250000+00')).toBe('2025-01-02 03:04:05.25')
    expect(canon({ type: 'numeric', scale: 2 })(null)).toBe('\\N')
  })

  it("write PostgreSQL's array literal with strings quoted and escaped", () => {
    expect(arrayLiteral('[1,null,-2]')).toBe('{1,NULL,-2}')
    expect(arrayLiteral('["a \\"q\\", b","back\\\\slash",""]')).toBe('{"a \\"q\\", b","back\\\\slash",""}')
    expect(arrayLiteral('[]')).toBe('{}')
  })
})

/** Test-only catalog queries: each column's type as the database declared it. */
const DECLARED_TYPES: Record<DialectName, string> = {
  sqlite: "SELECT name, type FROM pragma_table_info('accounts')",
  postgres:
    "SELECT column_name AS name, CASE WHEN data_type = 'USER-DEFINED' THEN 'enum' WHEN data_type = 'ARRAY' THEN udt_name ELSE data_type END AS type FROM information_schema.columns WHERE table_name = 'accounts'",
  mysql:
    "SELECT column_name AS name, column_type AS type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'accounts'",
}

/** What each database calls a few of the new types (checked by the test). */
const EXPECTED_TYPES: Record<DialectName, Record<string, string>> = {
  sqlite: {
    balance: 'NUMERIC',
    ratio: 'REAL',
    active: 'INTEGER',
    uid: 'TEXT',
    avatar: 'BLOB',
    tags: 'TEXT',
  },
  postgres: {
    balance: 'numeric',
    ratio: 'double precision',
    active: 'boolean',
    uid: 'uuid',
    born: 'date',
    seen_at: 'timestamp with time zone',
    tier: 'enum',
    avatar: 'bytea',
    tags: '_text',
    scores: '_int4',
    friends: '_uuid',
  },
  mysql: {
    balance: 'decimal(12,2)',
    ratio: 'double',
    active: 'tinyint(1)',
    uid: 'char(36)',
    born: 'date',
    seen_at: 'datetime(6)',
    tier: "enum('free','pro','team','it''s')",
    avatar: 'longblob',
  },
}

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`every column type on ${db.dialect}`, () => {
    let server: DatabaseServer
    let scenario: Scenario
    const seeded = new Set<string>()
    beforeAll(async () => {
      server = await openTestServer(db)
      scenario = await loadScenarioFile(FIXTURE)
    })
    afterAll(async () => {
      for (const name of seeded) await server?.dropDatabase(name)
      await server?.close()
    })

    /** Every row of a table read back, as canonical texts by column name. */
    async function readBack(database: string, table: string): Promise<Record<string, string>[]> {
      const spec = scenario.tables.find((t) => t.name === table) as ScenarioTable
      const conn = await server.openDatabase(database)
      try {
        const q = server.dialect.adapter.quote
        const { rows } = await conn.query(
          `SELECT * FROM ${q(table)} ORDER BY ${primaryKeyOf(spec).map(q).join(', ')}`,
        )
        const canon = spec.columns.map((c: ScenarioColumn) => [c.name, canonicalizer(c)] as const)
        return rows.map((row) => Object.fromEntries(canon.map(([name, fn]) => [name, fn(row[name])])))
      } finally {
        await conn.close()
      }
    }

    it("seeds with the generator's own checksums (so the same on every database), and alike twice", async () => {
      const request = { scenario, scale: 1, seed: SEED }
      const checksums = []
      for (let i = 0; i < 2; i++) {
        const result = await seedScenario(server, request, () => {}, { force: true })
        seeded.add(result.database)
        const conn = await server.openDatabase(result.database)
        checksums.push(
          await tableChecksums(conn, server.dialect.adapter, scenarioTables(scenario)).finally(() =>
            conn.close(),
          ),
        )
      }
      expect(checksums[0]).toEqual(await generatedChecksums(request))
      expect(checksums[1]).toEqual(checksums[0])

      const conn = await server.openDatabase([...seeded][0] as string)
      try {
        const { rows } = await conn.query<{ name: string; type: string }>(DECLARED_TYPES[db.dialect])
        const declared = Object.fromEntries(rows.map((r) => [String(r.name), String(r.type).toLowerCase()]))
        for (const [name, type] of Object.entries(EXPECTED_TYPES[db.dialect]))
          expect(declared[name], name).toBe(type.toLowerCase())
      } finally {
        await conn.close()
      }
    })

    it('reads back every value in its declared shape', async () => {
      const database = [...seeded][0] as string
      const accounts = await readBack(database, 'accounts')
      expect(accounts).toHaveLength(400)
      const all = (name: string, test: (v: string) => boolean) =>
        expect(
          accounts.filter((r) => !test(r[name] as string)).map((r) => r[name]),
          name,
        ).toEqual([])
      all('uid', (v) => UUID_V4.test(v))
      expect(distinct(accounts, 'uid')).toBe(400)
      all('nick', (v) => /^[a-z]{3,12}$/.test(v))
      expect(distinct(accounts, 'nick')).toBe(400)
      all('city', (v) => v === '\\N' || /^[a-z]{4,10}$/.test(v))
      expect(share(accounts, (r) => r.city === '\\N')).toBeCloseTo(0.2, 1)
      expect(distinct(accounts, 'city')).toBeGreaterThan(45)
      expect(distinct(accounts, 'level')).toBe(10)
      all('balance', (v) => /^-?\d+\.\d{2}$/.test(v) && Number(v) >= -1000 && Number(v) <= 100000)
      all('weight', (v) => /^\d+\.\d{3}$/.test(v) && Number(v) >= 0 && Number(v) <= 250.75)
      all('ratio', (v) => Number(v) >= 0 && Number(v) <= 1)
      expect(distinct(accounts, 'ratio')).toBeLessThanOrEqual(300)
      all('visits', (v) => Number.isInteger(Number(v)) && Number(v) >= 0 && Number(v) <= 10000)
      // Equal-frequency buckets: about a third of the values in each.
      expect(share(accounts, (r) => Number(r.visits) < 10)).toBeCloseTo(1 / 3, 1)
      all('active', (v) => v === '0' || v === '1')
      expect(share(accounts, (r) => r.active === '1')).toBeCloseTo(0.7, 1)
      all('born', (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && v >= '1950-01-01' && v <= '2007-12-31')
      all('joined', (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && v >= '2017-10-16' && v <= '2026-01-01')
      all('seen_at', (v) => v === '\\N' || (v >= '2025-01-01 00:00:00' && v <= '2025-12-31 23:59:59'))
      expect(share(accounts, (r) => r.seen_at === '\\N')).toBeCloseTo(0.1, 1)
      all('tier', (v) => ['free', 'pro', 'team', "it's"].includes(v))
      expect(share(accounts, (r) => r.tier === 'free')).toBeCloseTo(0.6, 1)
      all('avatar', (v) => v === '\\N' || /^([0-9a-f]{2}){0,64}$/.test(v))
      expect(share(accounts, (r) => r.avatar === '\\N')).toBeCloseTo(0.3, 1)
      const arrays = (name: string) => accounts.map((r) => JSON.parse(r[name] as string) as unknown[])
      expect(arrays('tags').every((a) => a.length <= 4)).toBe(true)
      expect(arrays('tags').flat()).toContain('a "quoted", tag')
      expect(arrays('tags').flat()).toContain('back\\slash')
      expect(arrays('scores').every((a) => a.length >= 1 && a.every((n) => Number.isInteger(n)))).toBe(true)
      expect(
        arrays('friends')
          .flat()
          .every((u) => UUID_V4.test(String(u))),
      ).toBe(true)
      expect(arrays('flags').every((a) => a.length === 2 && a.every((b) => b === 0 || b === 1))).toBe(true)
      expect(arrays('big').map((a) => a[0])).toEqual(accounts.map((_, i) => 5_000_000_000 + i))

      const events = await readBack(database, 'events')
      expect(events).toHaveLength(1200)
      expect(events.every((r) => ['login', 'purchase', 'refund'].includes(r.kind as string))).toBe(true)
      expect(events.every((r) => /^[0-9a-f]{32}$/.test(r.payload as string))).toBe(true)
      expect(share(events, (r) => r.amount === '\\N')).toBeCloseTo(0.25, 1)
      expect(events.every((r) => r.ref === '\\N')).toBe(true)
    })
  })

  describe.skipIf(skipped(db))(`the strategies on every column type on ${db.dialect}`, () => {
    const tests = useStrategyServer(db, 131)

    it('each deletes exactly the target (or says why it cannot): the new types only matter to loading and checksums', async () => {
      const scenario = await loadScenarioFile(FIXTURE)
      const prepared = await tests.prepare(scenario, 1)
      expect(prepared.expectation.tables.events?.deleted ?? 0).toBeGreaterThan(0)
      for (const strategy of BUILTIN_STRATEGIES) {
        const result = await runOnce(prepared, strategy)
        if (result.status === 'unsupported') {
          // What stands in the way is the shape (partitioning, a single writer, InnoDB's FK names), not a type.
          expect(result.error, strategy.name).toMatch(
            /SQLite|partition|foreign-key names|--replica|referenced by no table|MySQL protocol|pt-archiver (deletes rows only|cannot)/,
          )
          continue
        }
        expect(result.status, `${strategy.name}: ${JSON.stringify(result)}`).toBe('ok')
        for (const [table, want] of Object.entries(prepared.expectation.tables))
          expect(result.verdict.rowsDeleted[table], `${strategy.name} ${table}`).toBe(want.deleted)
      }
    })

    it('copy-swap copies every type into its new table (a table nothing references, on every database)', async () => {
      const scenario = await loadScenarioFile(FIXTURE)
      const target = scenario.variants?.['closed-notes']
      if (!target) throw new Error('the fixture has no closed-notes variant')
      const prepared = await tests.prepare({ ...scenario, target, variant: 'closed-notes' }, 1)
      const copySwap = BUILTIN_STRATEGIES.find((s) => s.name === 'copy-swap')
      if (!copySwap) throw new Error('no copy-swap strategy')
      const result = await runOnce(prepared, copySwap)
      expect(result.status, JSON.stringify(result)).toBe('ok')
      if (result.status === 'ok')
        expect(result.verdict.rowsDeleted.notes).toBe(prepared.expectation.tables.notes?.deleted)
    })
  })
}
