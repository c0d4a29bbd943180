import { afterAll, beforeAll } from 'vitest'
import { DatabaseServer } from '../../db/database-server.js'
import {
  prepareScenario,
  runIteration,
  type IterationResult,
  type PreparedScenario,
} from '../../runner/run-strategy.js'
import type { Scenario } from '../../scenarios/scenario.js'
import { scenarioTables, type SchemaKnobs } from '../../scenarios/scenario-tables.js'
import { seedScenario } from '../../seeds/seeder.js'
import type { Strategy, StrategyOptions } from '../../strategies/strategy.js'
import type { TestDatabase } from './servers.js'
import { openTestServer } from './test-server.js'

export const DEFAULT_OPTIONS: StrategyOptions = { batchSize: 1000, sleepMs: 0, workers: 2 }

/**
 * Seeds (or reuses) a scenario and prepares it for strategy runs. Each test file passes a seed of its
 * own, so files running side by side never share (or drop) each other's seeded databases; the names
 * are collected in `created` for the file's cleanup.
 */
async function prepare(
  server: DatabaseServer,
  scenario: Scenario,
  scale: number,
  seed: number,
  created: Set<string>,
  knobs: SchemaKnobs = {},
): Promise<PreparedScenario> {
  const { capabilities } = await server.describe()
  const seeded = await seedScenario(server, { scenario, scale, seed, knobs })
  created.add(seeded.database)
  return prepareScenario(
    server,
    capabilities,
    scenario,
    scale,
    scenarioTables(scenario, knobs),
    seeded.database,
  )
}

/** Drops the databases a test file created, and only those. */
async function dropCreated(server: DatabaseServer | undefined, created: Set<string>): Promise<void> {
  for (const name of created) await server?.dropDatabase(name).catch(() => {})
  created.clear()
}

/** One iteration of a strategy on a fresh copy, dropped afterwards. */
export async function runOnce(
  prepared: PreparedScenario,
  strategy: Strategy,
  options: StrategyOptions = DEFAULT_OPTIONS,
): Promise<IterationResult> {
  const working = DatabaseServer.uniqueName(`test_${strategy.name}`)
  try {
    return await runIteration(prepared, strategy, options, working)
  } finally {
    await prepared.server.dropDatabase(working).catch(() => {})
  }
}

/**
 * A server for one describe block of strategy tests: opened before, and after its tests the databases
 * it seeded are dropped (only those) and it is closed. `prepare` seeds with this file's own seed.
 */
export function useStrategyServer(db: TestDatabase, seed: number) {
  let server: DatabaseServer | undefined
  const created = new Set<string>()
  beforeAll(async () => {
    server = await openTestServer(db)
  })
  afterAll(async () => {
    await dropCreated(server, created)
    await server?.close()
  })
  return {
    prepare: (scenario: Scenario, scale: number, knobs: SchemaKnobs = {}) => {
      if (!server) throw new Error('the test server is not open yet')
      return prepare(server, scenario, scale, seed, created, knobs)
    },
  }
}
