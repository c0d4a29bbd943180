import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ownDatabaseLocation, parseDatabaseSpec } from '../db/database-url.js'
import { BUILTIN_SCENARIOS } from '../scenarios/builtins/index.js'
import { runCli } from './support/run-cli.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { tempFolder } from './support/temp-folders.js'

/**
 * Each built-in scenario seeded, imported back from the seeded database, and reseeded from the import:
 * `import --check` compares the two, and the reseeded copy must have every table's rows, every FK's
 * fan-out and every null share the original had, within the stated tolerances.
 */
describe.each(TEST_DATABASES)('import round trip on $dialect', (db) => {
  it.skipIf(skipped(db)).each(BUILTIN_SCENARIOS.map((s) => s.name))(
    '%s: seeded, imported and reseeded, the shapes agree',
    async (name) => {
      const folder = tempFolder('round-trip')
      const dbArg = db.dialect === 'sqlite' ? `sqlite:${folder}` : (db.url as string)
      const seeded = await runCli(['seed', '--db', dbArg, '--scenario', name, '--scale', '0.01', '--json'])
      expect(seeded.code, seeded.stderr).toBe(0)
      const [report] = JSON.parse(seeded.stdout) as { seededDatabase: string }[]
      const source = ownDatabaseLocation(parseDatabaseSpec(dbArg), dbArg, report?.seededDatabase ?? '')
      const file = path.join(folder, `${name}.json`)
      const imported = await runCli(['import', '--db', source, '--out', file, '--name', `${name}-copy`])
      expect(imported.code, imported.stderr).toBe(0)
      const check = await runCli(['import', '--check', file, '--db', source, '--seed-db', dbArg])
      expect(check.code, check.stderr + check.stdout).toBe(0)
      const judged = check.stdout.split('\n').filter((l) => / (rows|fan-out|null fraction) /.test(l))
      expect(judged.length).toBeGreaterThan(0)
      for (const line of judged) expect(line).not.toContain('✗')
    },
    180_000,
  )
})
