import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUILTIN_SCENARIOS } from '../scenarios/builtins/index.js'
import { resolveScenario } from '../scenarios/registry.js'
import { loadScenarioFile, ScenarioFileError } from '../scenarios/scenario-file.js'
import { scenarioProblems } from '../scenarios/validate-scenario.js'
import { faker } from '@faker-js/faker/locale/en'
import { generatedChecksums } from '../seeds/generated-checksums.js'
import { tempFolder } from './support/test-server.js'

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'shop.json')
/** The fixture's shape, loosely: the tests break it on purpose. */
interface ShopTable {
  name: string
  primaryKey?: string
  rows?: unknown
  colour?: string
  columns: [ShopColumn, ShopColumn, ShopColumn, ...ShopColumn[]]
  foreignKeys: [ShopForeignKey, ...ShopForeignKey[]]
}
interface ShopColumn {
  generate: { kind: string; method?: string }
}
interface ShopForeignKey {
  column: string
  references: string
  onDelete: string
  indexed: boolean
}
interface ShopDoc {
  referenceTime: string
  target: { table: string }
  tables: [ShopTable, ShopTable]
  traffic?: unknown[]
}
const valid = (): ShopDoc => JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as ShopDoc

/** Writes a variant of the valid fixture, changed by `edit`, and returns its path. */
function variant(edit: (doc: ShopDoc) => void): string {
  const doc = valid()
  edit(doc)
  const file = path.join(tempFolder('scenario'), 'scenario.json')
  fs.writeFileSync(file, JSON.stringify(doc))
  return file
}

async function loadError(file: string): Promise<string> {
  const error = await loadScenarioFile(file).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ScenarioFileError)
  return (error as Error).message
}

describe('scenario files', () => {
  it('the built-ins are sound', () => {
    for (const scenario of BUILTIN_SCENARIOS)
      expect(scenarioProblems(scenario, faker), scenario.name).toEqual([])
  })

  it('loads a valid JSON scenario, which generates deterministically', async () => {
    const scenario = await loadScenarioFile(FIXTURE)
    expect(scenario.name).toBe('shop')
    expect(
      scenario.target.params?.({ scale: 1, referenceMs: Date.parse('2026-01-01T00:00:00Z'), counts: {} }),
    ).toEqual(['2025-01-01 00:00:00'])
    const a = await generatedChecksums({ scenario, scale: 1, seed: 1 })
    expect(a.orders?.rows).toBe(600)
    expect(await generatedChecksums({ scenario, scale: 1, seed: 1 })).toEqual(a)
    expect((await generatedChecksums({ scenario, scale: 1, seed: 2 })).orders?.checksum).not.toBe(
      a.orders?.checksum,
    )
    expect((await resolveScenario(FIXTURE)).name).toBe('shop')
  })

  it.each([
    [
      'a wrong generator kind',
      (d: ShopDoc) => (d.tables[1].columns[2].generate.kind = 'integer'),
      /tables\[1\]\.columns\[2\]\.generate\.kind/,
    ],
    ['a missing field', (d: ShopDoc) => delete d.tables[0].rows, /tables\[0\]\.rows/],
    [
      'a missing primary key that a foreign key needs',
      (d: ShopDoc) => delete d.tables[0].primaryKey,
      /tables\[1\]\.foreignKeys\[0\]\.referencedColumns: customers has no primary key/,
    ],
    ['an unknown field', (d: ShopDoc) => (d.tables[0].colour = 'red'), /tables\[0\].*colour/],
    [
      'a bad table name',
      (d: ShopDoc) => (d.tables[0].name = 'Customers!'),
      /tables\[0\]\.name: must be a lower-case SQL identifier/,
    ],
    [
      'an unknown FK table',
      (d: ShopDoc) => (d.tables[1].foreignKeys[0].references = 'clients'),
      /tables\[1\]\.foreignKeys\[0\]\.references: unknown table 'clients'/,
    ],
    [
      'an FK on a missing column',
      (d: ShopDoc) => (d.tables[1].foreignKeys[0].column = 'client_id'),
      /tables\[1\]\.foreignKeys\[0\]\.column: 'client_id' is not a column of orders/,
    ],
    [
      'a faker method that does not exist',
      (d: ShopDoc) => (d.tables[0].columns[1].generate.method = 'person.fullname'),
      /tables\[0\]\.columns\[1\]\.generate\.method: 'person\.fullname' is not a faker method/,
    ],
    [
      'an integer FK to a text primary key',
      (d: ShopDoc) => (d.tables[0].primaryKey = 'name'),
      /tables\[1\]\.foreignKeys\[0\]\.column: orders\.customer_id \(integer\) cannot reference customers\.name \(varchar\)/,
    ],
    [
      'set null on a NOT NULL column',
      (d: ShopDoc) => (d.tables[1].foreignKeys[0].onDelete = 'set null'),
      /needs orders\.customer_id to be nullable/,
    ],
    [
      'an unknown target table',
      (d: ShopDoc) => (d.target.table = 'carts'),
      /target\.table: unknown table 'carts'/,
    ],
    ['a bad reference time', (d: ShopDoc) => (d.referenceTime = 'yesterday'), /referenceTime/],
    [
      'traffic that updates a missing column',
      (d: ShopDoc) =>
        (d.traffic = [
          {
            name: 'rename',
            rate: 10,
            sql: "UPDATE customers SET name = 'x' WHERE id = 1",
            updates: { table: 'customers', columns: ['nickname'] },
          },
        ]),
      /traffic\[0\]\.updates\.columns\[0\]: 'nickname' is not a column of customers/,
    ],
    [
      'a self-reference through a NOT NULL column',
      (d: ShopDoc) =>
        (d.tables[0].foreignKeys = [
          { column: 'id', references: 'customers', onDelete: 'cascade', indexed: true },
        ]),
      /tables\[0\]\.foreignKeys\[0\]: a self-reference needs customers\.id to be nullable/,
    ],
  ])('rejects %s, naming the path', async (_what, edit, message) => {
    const text = await loadError(variant(edit))
    expect(text).toMatch(/^scenario file .*scenario\.json: /)
    expect(text).toMatch(message)
    expect(text).not.toContain('\n')
  })

  it('rejects files that are not scenarios at all', async () => {
    const folder = tempFolder('scenario')
    fs.writeFileSync(path.join(folder, 'broken.json'), '{ "name": ')
    expect(await loadError(path.join(folder, 'broken.json'))).toMatch(/is not valid JSON/)
    fs.writeFileSync(path.join(folder, 'empty.mjs'), 'export default 42\n')
    expect(await loadError(path.join(folder, 'empty.mjs'))).toMatch(/\(top level\)/)
    expect(await loadError(path.join(folder, 'missing.json'))).toMatch(/does not exist/)
  })

  it('refuses a file without a target in one line, except for seeding alone', async () => {
    const file = variant((doc) => {
      ;(doc as { target: unknown }).target = null
    })
    expect(await loadError(file)).toMatch(/has no target yet: set "target" .* --target TABLE --where SQL$/)
    const seedOnly = await loadScenarioFile(file, { withoutTarget: true })
    expect(seedOnly.target).toMatchObject({ table: valid().tables[0].name, where: '1 = 0' })
  })

  it('resolves built-in names and variants, and names the choices when wrong', async () => {
    expect((await resolveScenario('library:ten-libraries')).target.where).toBe('id <= ?')
    await expect(resolveScenario('libary')).rejects.toThrow(
      /unknown scenario 'libary': choose one of job-history, bookstore, error-log, library/,
    )
    await expect(resolveScenario('library:eleven')).rejects.toThrow(
      /has no variant 'eleven': choose ten-libraries/,
    )
  })
})
