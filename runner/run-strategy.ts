import type { DatabaseServer } from '../db/database-server.js'
import type { Capabilities } from '../db/dialect.js'
import { redact } from '../db/redact.js'
import type { Counters, InstrumentedConnection, SqlLogger } from '../db/instrumented-connection.js'
import { bindPlaceholders } from '../db/placeholders.js'
import type { CellValue, TableSpec } from '../db/table-spec.js'
import { planDeletion, type DeletionPlan } from '../scenarios/deletion-plan.js'
import type { Scenario } from '../scenarios/scenario.js'
import { rowCounts } from '../seeds/row-counts.js'
import { restoreWorkingCopy, type RestoreResult } from '../seeds/snapshot.js'
import { formatTimestamp } from '../seeds/timestamps.js'
import { SignalBus } from '../strategies/signals.js'
import type { Strategy, StrategyContext, StrategyOptions } from '../strategies/strategy.js'
import { expectDeletion, verifyDeletion, type Expectation, type Verdict } from './verifier.js'

/** One scenario prepared on one server: seeded data, its plan, and what a correct deletion does. */
export interface PreparedScenario {
  readonly server: DatabaseServer
  readonly capabilities: Capabilities
  readonly scenario: Scenario
  readonly scale: number
  readonly tables: readonly TableSpec[]
  readonly plan: DeletionPlan
  readonly pristine: string
  readonly target: { readonly where: string; readonly params: readonly CellValue[] }
  readonly expectation: Expectation
}

/** The outcome of one strategy iteration, tagged by status. */
export type IterationResult =
  | { readonly status: 'unsupported'; readonly error: string }
  | {
      readonly status: 'ok' | 'failed' | 'wrong-result'
      readonly error?: string
      readonly ms: number
      readonly counters: Counters
      readonly verdict: Verdict
      readonly signals: { readonly sent: number; readonly delivered: number }
      readonly restore: RestoreResult
    }

/** Plans the scenario and reads the expectation from the pristine seeded database, once per run. */
export async function prepareScenario(
  server: DatabaseServer,
  capabilities: Capabilities,
  scenario: Scenario,
  scale: number,
  tables: readonly TableSpec[],
  pristine: string,
): Promise<PreparedScenario> {
  const plan = planDeletion(tables, scenario.target.table)
  const env = { scale, referenceMs: Date.parse(scenario.referenceTime), counts: rowCounts(scenario, scale) }
  const target = { where: scenario.target.where, params: scenario.target.params?.(env) ?? [] }
  const conn = await server.openDatabase(pristine)
  try {
    const expectation = await expectDeletion(conn, {
      adapter: server.dialect.adapter,
      tables,
      plan,
      where: target.where,
      params: target.params,
      callbacks: scenario.callbacks ?? [],
      traffic: scenario.traffic ?? [],
    })
    return { server, capabilities, scenario, scale, tables, plan, pristine, target, expectation }
  } finally {
    await conn.close()
  }
}

/** The strategy's context over a connection: the one place strategies meet the database. */
export function strategyContext(
  prepared: PreparedScenario,
  conn: InstrumentedConnection,
  workingName: string,
  options: StrategyOptions,
  abort: AbortSignal,
  onProgress: (rows: number) => void = () => {},
  target = prepared.target,
): StrategyContext & { readonly deletedAt: string } {
  const { server } = prepared
  return {
    conn,
    dialect: server.dialect,
    capabilities: prepared.capabilities,
    scenario: prepared.scenario,
    tables: prepared.tables,
    plan: prepared.plan,
    target,
    callbacks: prepared.scenario.callbacks ?? [],
    deletedAt: formatTimestamp(Date.now()),
    options,
    signals: new SignalBus(prepared.scenario.callbacks ?? []),
    acquireLock: (name) => server.dialect.acquireLock(conn, `${workingName}_${name}`),
    run: async (statement, on = conn) =>
      on.query(bindPlaceholders(statement.sql, server.dialect.adapter), statement.params),
    progress: onProgress,
    abort,
  }
}

/**
 * One iteration: restore a fresh working copy (untimed), run the strategy on it with counters reset
 * (timed), then verify. A strategy's error is a result (`failed`, with the database's own message in
 * one line), never a crash of the harness.
 */
export async function runIteration(
  prepared: PreparedScenario,
  strategy: Strategy,
  options: StrategyOptions,
  working: string,
  logger?: SqlLogger,
): Promise<IterationResult> {
  const { server } = prepared
  const reason = strategy.unsupported?.(server.dialect, prepared.capabilities, prepared.plan)
  if (reason) return { status: 'unsupported', error: reason }
  const restore = await restoreWorkingCopy(server, prepared.pristine, working, prepared.tables)
  const conn = await server.openDatabase(working, logger ? { logger } : {})
  let error: string | undefined
  let ms = 0
  let counters: Counters
  let signals: { sent: number; delivered: number }
  let deletedAt: string
  try {
    const ctx = strategyContext(prepared, conn, working, options, new AbortController().signal)
    deletedAt = ctx.deletedAt
    conn.resetCounters()
    const started = performance.now()
    try {
      await strategy.run(ctx)
    } catch (e) {
      error = redact(e instanceof Error ? e.message : String(e)).split('\n')[0]
    }
    ms = performance.now() - started
    counters = conn.counters()
    signals = ctx.signals.counts()
  } finally {
    await conn.close()
  }
  const verdict = await verifyWorkingCopy(prepared, working, deletedAt)
  const status = error !== undefined ? 'failed' : verdict.ok ? 'ok' : 'wrong-result'
  return { status, ...(error === undefined ? {} : { error }), ms, counters, verdict, signals, restore }
}

/** Verifies a working copy after a strategy ran, against the prepared scenario's expectation. */
export async function verifyWorkingCopy(
  prepared: PreparedScenario,
  working: string,
  deletedAt: string,
): Promise<Verdict> {
  const { server } = prepared
  const verifier = await server.openDatabase(working)
  try {
    return await verifyDeletion(
      verifier,
      {
        adapter: server.dialect.adapter,
        tables: prepared.tables,
        plan: prepared.plan,
        where: prepared.target.where,
        params: prepared.target.params,
        callbacks: prepared.scenario.callbacks ?? [],
        traffic: prepared.scenario.traffic ?? [],
      },
      prepared.expectation,
      deletedAt,
    )
  } finally {
    await verifier.close()
  }
}
