import { afterAll, beforeAll } from 'vitest'
import { DatabaseServer } from '../../db/database-server.js'
import { runIterations } from '../../runner/run-iterations.js'
import { statusOf, type Iteration } from '../../runner/run-record.js'
import { seedAndPrepare, unsupportedReason, type PreparedScenario } from '../../runner/run-strategy.js'
import type { Scenario } from '../../scenarios/scenario.js'
import type { SchemaKnobs } from '../../scenarios/scenario-tables.js'
import type { Strategy, StrategyOptions } from '../../strategies/strategy.js'
import type { TestDatabase } from './servers.js'
import { openTestServer } from './test-server.js'

export const DEFAULT_OPTIONS: StrategyOptions = { batchSize: 1000, sleepMs: 0, workers: 2, chunkTimeMs: 500 }

/** The outcome of one strategy iteration, tagged by status. */
export type IterationResult =
  | { readonly status: 'unsupported'; readonly error: string }
  | ({
      readonly status: 'ok' | 'failed' | 'wrong-result'
      readonly error?: string
      readonly ms: number
    } & Iteration)

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
  const prepared = await seedAndPrepare(server, capabilities, { scenario, scale, seed, knobs })
  created.add(prepared.pristine)
  return prepared
}

/** Drops the databases a test file created, and only those. */
async function dropCreated(server: DatabaseServer | undefined, created: Set<string>): Promise<void> {
  for (const name of created) await server?.dropDatabase(name).catch(() => {})
  created.clear()
}

/**
 * One iteration of a strategy on a fresh copy, dropped afterwards: the iteration `delbench run` runs
 * (restore, timed strategy, verification), without its child process and traffic.
 */
export async function runOnce(
  prepared: PreparedScenario,
  strategy: Strategy,
  options: StrategyOptions = DEFAULT_OPTIONS,
): Promise<IterationResult> {
  const reason = unsupportedReason(prepared, strategy)
  if (reason) return { status: 'unsupported', error: reason }
  const working = DatabaseServer.uniqueName(`test_${strategy.name}`)
  try {
    const outcome = await runIterations({
      prepared,
      strategy,
      options,
      working,
      policy: { kind: 'exact', iterations: 1 },
    })
    const [iteration] = outcome.iterations
    if (!iteration) throw new Error(outcome.harnessError ?? 'no iteration completed')
    return { ...statusOf([iteration]), ms: outcome.timing?.samples[0] ?? 0, ...iteration }
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
