import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseServer } from '../db/database-server.js'
import type { DialectName } from '../db/dialect.js'
import { bookstore } from '../scenarios/builtins/bookstore.js'
import { errorLog } from '../scenarios/builtins/error-log.js'
import { BUILTIN_SCENARIOS } from '../scenarios/builtins/index.js'
import { tableChecksums } from '../seeds/checksum.js'
import { generatedChecksums } from '../seeds/generated-checksums.js'
import { rowCounts } from '../scenarios/row-counts.js'
import { scenarioTables } from '../scenarios/scenario-tables.js'
import { seedScenario } from '../seeds/seeder.js'
import { countTargets, SMALL_SCALE } from './support/seeded.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { openTestServer } from './support/test-server.js'

const SEED = 7

/** Test-only catalog queries: the names of the indexes on `created_at` of error_occurrences. */
const CREATED_AT_INDEXES: Record<DialectName, string> = {
  sqlite:
    "SELECT il.name FROM pragma_index_list('error_occurrences') il, pragma_index_info(il.name) ii WHERE ii.name = 'created_at'",
  postgres:
    "SELECT indexname FROM pg_indexes WHERE tablename = 'error_occurrences' AND indexdef LIKE '%(created_at)%'",
  mysql:
    "SELECT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'error_occurrences' AND column_name = 'created_at'",
}

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`seeding the built-ins on ${db.dialect}`, () => {
    let server: DatabaseServer
    const seeded: string[] = []
    beforeAll(async () => {
      server = await openTestServer(db)
    })
    afterAll(async () => {
      for (const name of seeded) await server?.dropDatabase(name)
      await server?.close()
    })

    for (const scenario of BUILTIN_SCENARIOS) {
      it(`${scenario.name}: exact row counts, exact targets, and the generator's content byte for byte`, async () => {
        const scale = SMALL_SCALE[scenario.name] as number
        const request = { scenario, scale, seed: SEED }
        const result = await seedScenario(server, request, () => {}, { force: true })
        seeded.push(result.database)
        expect(result.reused).toBe(false)
        expect(result.counts).toEqual(rowCounts(scenario, scale))

        const conn = await server.openDatabase(result.database)
        const found = await tableChecksums(conn, server.dialect.adapter, scenarioTables(scenario)).finally(
          () => conn.close(),
        )
        // The same checksums the generator produces without any database: so identical on all three.
        expect(found).toEqual(await generatedChecksums(request))

        const env = { scale, referenceMs: Date.parse(scenario.referenceTime), counts: result.counts }
        expect(await countTargets(server, result.database, scenario, scale)).toBe(
          scenario.target.expectedRows?.(env),
        )
        for (const variant of Object.values(scenario.variants ?? {})) {
          expect(await countTargets(server, result.database, { ...scenario, target: variant }, scale)).toBe(
            variant.expectedRows?.(env),
          )
        }
      })
    }

    it("--indexes off seeds the same rows without the scenario's index on the filter column", async () => {
      const indexes = async (knobs: { indexes?: boolean }) => {
        const result = await seedScenario(server, { scenario: errorLog, scale: 0.0003, seed: SEED, knobs })
        seeded.push(result.database)
        const conn = await server.openDatabase(result.database)
        try {
          const { rows } = await conn.query(CREATED_AT_INDEXES[db.dialect])
          return { database: result.database, count: rows.length, rows: result.counts }
        } finally {
          await conn.close()
        }
      }
      const on = await indexes({})
      const off = await indexes({ indexes: false })
      expect(on.count).toBe(1)
      expect(off.count).toBe(0)
      expect(off.database).not.toBe(on.database)
      expect(off.rows).toEqual(on.rows)
    })

    it('reuses an identical seed, and a forced reseed gives the same content', async () => {
      const scenario = bookstore
      const request = { scenario, scale: 0.005, seed: SEED }
      const first = await seedScenario(server, request, () => {}, { force: true })
      seeded.push(first.database)
      const again = await seedScenario(server, request)
      expect(again).toMatchObject({ database: first.database, reused: true, seconds: 0 })
      const checksum = async () => {
        const conn = await server.openDatabase(first.database)
        return tableChecksums(conn, server.dialect.adapter, scenarioTables(scenario)).finally(() =>
          conn.close(),
        )
      }
      const before = await checksum()
      const forced = await seedScenario(server, request, () => {}, { force: true })
      expect(forced.reused).toBe(false)
      expect(await checksum()).toEqual(before)
      const otherSeed = await seedScenario(server, { ...request, seed: SEED + 1 })
      seeded.push(otherSeed.database)
      expect(otherSeed.database).not.toBe(first.database)
    })
  })
}
