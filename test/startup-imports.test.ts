import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from './support/run-cli.js'
import { tempFolder } from './support/test-server.js'

const TRACE = path.resolve(import.meta.dirname, 'support', 'module-trace.mjs')

/** The libraries `delbench args` loads, and its exit code. */
async function librariesLoaded(args: readonly string[]): Promise<{ code: number; libraries: string[] }> {
  const log = path.join(tempFolder('modules'), 'loaded.txt')
  const result = await runCli(args, {
    NODE_OPTIONS: `--no-warnings --experimental-loader=${TRACE}`,
    DELBENCH_TEST_MODULE_LOG: log,
  })
  const loaded = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : []
  return { code: result.code, libraries: [...new Set(loaded)].sort() }
}

/** The libraries a small seed of `scenario` into a new SQLite folder loads, piped (no terminal). */
function librariesOfSeed(scenario: string): Promise<{ code: number; libraries: string[] }> {
  const folder = tempFolder('seed-modules')
  return librariesLoaded(['seed', '--db', `sqlite:${folder}`, '--scenario', scenario, '--scale', '0.01'])
}

/** What makes a start slow: drivers, schema validation, data generation, charts, containers, timing. */
const HEAVY = [
  'pg',
  'pg-copy-streams',
  'mysql2',
  'better-sqlite3',
  'zod',
  '@faker-js/faker',
  'chart.js',
  '@napi-rs/canvas',
  'testcontainers',
  'tinybench',
  'cli-progress',
]

describe('start-up loads only what the command uses', () => {
  it.each([[['--help']], [['run', '--help']], [['run', '--batch-size', 'x']], [['seed', '--scale', '-1']]])(
    'delbench %j loads commander alone',
    async (args) => {
      const { libraries } = await librariesLoaded(args)
      expect(libraries).toEqual(['commander'])
    },
  )

  it('a seed whose progress goes to a pipe (a log, CI) loads no progress-bar library', async () => {
    const { code, libraries } = await librariesOfSeed('library')
    expect(code).toBe(0)
    // It did seed: the driver and the generator were loaded, only the bars were not.
    expect(libraries).toContain('better-sqlite3')
    expect(libraries).not.toContain('cli-progress')
    // library's generators name faker methods: faker is loaded to check them and fill the pools.
    expect(libraries).toContain('@faker-js/faker')
  })

  it("a seed of a scenario file naming no faker method loads no faker (pgbench's tables)", async () => {
    const { code, libraries } = await librariesOfSeed(
      path.resolve(import.meta.dirname, '..', 'examples', 'scenarios', 'pgbench-accounts.json'),
    )
    expect(code).toBe(0)
    // The file was validated and seeded: the schema library and the driver were loaded, faker was not.
    expect(libraries).toEqual(expect.arrayContaining(['zod', 'better-sqlite3']))
    expect(libraries).not.toContain('@faker-js/faker')
  })

  it('delbench list loads no driver, validator, generator or chart library', async () => {
    const { code, libraries } = await librariesLoaded(['list'])
    expect(code).toBe(0)
    expect(libraries.filter((l) => HEAVY.includes(l))).toEqual([])
  })
})
