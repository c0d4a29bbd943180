import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseDatabaseSpec } from '../db/database-url.js'
import { openServer } from '../db/open-server.js'
import type { ResultsDocument } from '../core/results-schema.js'
import { bookstore } from '../scenarios/builtins/bookstore.js'
import { seedDatabaseName } from '../seeds/seeder.js'
import { runCli } from './support/run-cli.js'
import { requireUrl, skipped, TEST_DATABASES } from './support/servers.js'
import { tempFolder } from './support/test-server.js'

const fixture = (name: string) => path.resolve(import.meta.dirname, 'fixtures', name)
const SEED = 174
const SCALE = 0.01

// SQLite exposes no work counters: there is nothing to gate on there.
for (const db of TEST_DATABASES.filter((d) => d.dialect !== 'sqlite')) {
  describe.skipIf(skipped(db))(`compare gates on the database’s work on ${db.dialect}`, () => {
    afterAll(async () => {
      if (db.url === undefined) return
      const server = await openServer(parseDatabaseSpec(db.url))
      await server
        .dropDatabase(seedDatabaseName({ scenario: bookstore, scale: SCALE, seed: SEED }))
        .catch(() => {})
      await server.close()
    })

    /** One run of a plug-in on bookstore; the path of its results file. */
    async function run(plugin: string): Promise<string> {
      const out = tempFolder('compare-work')
      const result = await runCli(
        [
          'run',
          '--db',
          requireUrl(db),
          '--scenario',
          'bookstore',
          '--scale',
          String(SCALE),
          '--seed',
          String(SEED),
          // PostgreSQL's counters are the whole database's: the traffic's work would be in them.
          '--no-traffic',
        ].concat(['--strategy', fixture(plugin), '--iterations', '3', '--out', out, '--json']),
        {},
        180_000,
      )
      expect(result.code, result.stderr).toBe(0)
      const file = path.join(out, 'results.json')
      const [only] = (JSON.parse(fs.readFileSync(file, 'utf8')) as ResultsDocument).runs
      expect(only?.status, only?.error).toBe('ok')
      return file
    }

    it('passes two runs of one strategy, and fails extra reads the statement counts cannot see', async () => {
      const base = await run('batched-with-probe.mjs')
      const again = await run('batched-with-probe.mjs')
      const counting = await run('batched-with-count.mjs')
      // Same strategy, same data: the deterministic counters agree (times differ, and are not gated on 3 samples).
      const same = await runCli(['compare', base, again])
      expect(same.code, same.stdout).toBe(0)
      expect(same.stdout).not.toMatch(/regression: work/)
      // The same statements, but each batch reads the whole table: a work regression, and only that.
      const worse = await runCli(['compare', base, counting])
      expect(worse.code, worse.stdout).toBe(1)
      expect(worse.stdout).toMatch(
        /regression: work (seq_tup_read|Rows_read|Handler_read_rnd_next|Handler_read_next|Handler_read_first) /,
      )
      expect(worse.stdout).not.toMatch(/regression: [+-]?\d+ \w+ statements?/)
    })
  })
}
