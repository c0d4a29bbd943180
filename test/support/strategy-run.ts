import { DatabaseServer } from '../../db/database-server.js'
import {
  prepareScenario,
  runIteration,
  type IterationResult,
  type PreparedScenario,
} from '../../runner/run-strategy.js'
import type { Scenario } from '../../scenarios/scenario.js'
import { scenarioTables, type SchemaKnobs } from '../../seeds/scenario-tables.js'
import { seedScenario } from '../../seeds/seeder.js'
import type { Strategy, StrategyOptions } from '../../strategies/strategy.js'

export const DEFAULT_OPTIONS: StrategyOptions = { batchSize: 1000, sleepMs: 0 }

/** Seeds (or reuses) a scenario and prepares it for strategy runs; remembers the seed for cleanup. */
export async function prepare(
  server: DatabaseServer,
  scenario: Scenario,
  scale: number,
  knobs: SchemaKnobs = {},
): Promise<PreparedScenario> {
  const { capabilities } = await server.describe()
  const seeded = await seedScenario(server, { scenario, scale, seed: 3, knobs })
  return prepareScenario(
    server,
    capabilities,
    scenario,
    scale,
    scenarioTables(scenario, knobs),
    seeded.database,
  )
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
