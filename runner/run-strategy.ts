import type { DatabaseServer } from '../db/database-server.js'
import type { Capabilities } from '../db/dialect.js'
import { redact } from '../core/redact.js'
import type { Counters, InstrumentedConnection, SqlLogger } from '../db/instrumented-connection.js'
import { bindPlaceholders } from '../db/placeholders.js'
import type { CellValue, TableSpec } from '../core/table-spec.js'
import { planDeletion, type DeletionPlan } from '../scenarios/deletion-plan.js'
import type { Scenario } from '../scenarios/scenario.js'
import { rowCounts } from '../scenarios/row-counts.js'
import { restoreWorkingCopy, type RestoreResult } from '../seeds/restore-working-copy.js'
import { formatTimestamp } from '../scenarios/timestamps.js'
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
      /** Figures the strategy recorded (`ctx.record`). */
      readonly figures: Readonly<Record<string, number>>
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

/** A strategy's context as the harness holds it: what the strategy recorded, and its extra connections. */
export interface HarnessContext extends StrategyContext {
  /** The figures the strategy recorded (`ctx.record`). */
  figures(): Record<string, number>
  /** Closes the connections the strategy opened and left open. */
  closeConnections(): Promise<void>
}

/** The strategy's context over a connection: the one place strategies meet the database. */
export function strategyContext(
  prepared: PreparedScenario,
  conn: InstrumentedConnection,
  workingName: string,
  options: StrategyOptions,
  abort: AbortSignal,
  extras: {
    /** Rows deleted so far, as the strategy reports them. */
    readonly onProgress?: (rows: number) => void
    /** Logs the statements of the connections the strategy opens (`--log-sql`). */
    readonly logger?: SqlLogger
    /** Called with each connection the strategy opens (its session may need ending on a timeout). */
    readonly onConnection?: (conn: InstrumentedConnection) => Promise<void>
    /** A narrower target than the scenario's (a dry run's first few rows). */
    readonly target?: PreparedScenario['target']
  } = {},
): HarnessContext {
  const { logger } = extras
  const { server } = prepared
  const figures: Record<string, number> = {}
  const extra: InstrumentedConnection[] = []
  return {
    conn,
    dialect: server.dialect,
    capabilities: prepared.capabilities,
    scenario: prepared.scenario,
    tables: prepared.tables,
    plan: prepared.plan,
    target: extras.target ?? prepared.target,
    callbacks: prepared.scenario.callbacks ?? [],
    deletedAt: formatTimestamp(Date.now()),
    options,
    signals: new SignalBus(prepared.scenario.callbacks ?? []),
    acquireLock: (name) => server.dialect.acquireLock(conn, `${workingName}_${name}`),
    run: async (statement, on = conn) =>
      on.query(bindPlaceholders(statement.sql, server.dialect.adapter), statement.params),
    openConnection: async () => {
      const opened = await server.openDatabase(workingName, logger ? { logger } : {})
      extra.push(opened)
      await extras.onConnection?.(opened)
      // Counted from here on: the worker's setup is not the strategy's work.
      opened.countInto(conn)
      return opened
    },
    record: (name, value) => {
      figures[name] = value
    },
    figures: () => ({ ...figures }),
    closeConnections: async () => {
      await Promise.all(extra.splice(0).map((c) => c.close()))
    },
    progress: extras.onProgress ?? (() => {}),
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
  const reason = strategy.unsupported?.(server.dialect, prepared.capabilities, prepared.plan, prepared)
  if (reason) return { status: 'unsupported', error: reason }
  const restore = await restoreWorkingCopy(server, prepared.pristine, working, prepared.tables)
  const conn = await server.openDatabase(working, logger ? { logger } : {})
  let error: string | undefined
  let ms = 0
  let counters: Counters
  let signals: { sent: number; delivered: number }
  let figures: Record<string, number>
  let deletedAt: string
  try {
    const ctx = strategyContext(prepared, conn, working, options, new AbortController().signal, {
      ...(logger ? { logger } : {}),
    })
    deletedAt = ctx.deletedAt
    conn.resetCounters()
    const started = performance.now()
    try {
      await strategy.run(ctx)
    } catch (e) {
      error = redact(e instanceof Error ? e.message : String(e)).split('\n')[0]
    }
    ms = performance.now() - started
    await ctx.closeConnections()
    counters = conn.counters()
    signals = ctx.signals.counts()
    figures = ctx.figures()
  } finally {
    await conn.close()
  }
  const verdict = await verifyWorkingCopy(prepared, working, deletedAt)
  const status = error !== undefined ? 'failed' : verdict.ok ? 'ok' : 'wrong-result'
  return {
    status,
    ...(error === undefined ? {} : { error }),
    ms,
    counters,
    verdict,
    signals,
    restore,
    figures,
  }
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
