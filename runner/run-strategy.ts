import type { DatabaseServer } from '../db/database-server.js'
import type { Capabilities } from '../db/dialect.js'
import type { InstrumentedConnection, SqlLogger } from '../db/instrumented-connection.js'
import { bindPlaceholders } from '../db/placeholders.js'
import { STATEMENT_KINDS, type StatementKind } from '../db/statement-kind.js'
import type { CellValue, TableSpec } from '../core/table-spec.js'
import { planDeletion, type DeletionPlan } from '../scenarios/deletion-plan.js'
import type { Scenario } from '../scenarios/scenario.js'
import { rowCounts } from '../scenarios/row-counts.js'
import { scenarioTables } from '../scenarios/scenario-tables.js'
import type { SeedProgress, SeedRequest } from '../seeds/seeder.js'
import { formatTimestamp } from '../scenarios/timestamps.js'
import { SignalBus } from '../strategies/signals.js'
import type { BatchRecord, Strategy, StrategyContext, StrategyOptions } from '../strategies/strategy.js'
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

/** The scenario's deletion plan over its tables, and its target rows at the scale. */
export function plannedTarget(
  scenario: Scenario,
  scale: number,
  tables: readonly TableSpec[],
): Pick<PreparedScenario, 'plan' | 'target'> {
  const plan = planDeletion(tables, scenario.target.table)
  const env = { scale, referenceMs: Date.parse(scenario.referenceTime), counts: rowCounts(scenario, scale) }
  return { plan, target: { where: scenario.target.where, params: scenario.target.params?.(env) ?? [] } }
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
  const { plan, target } = plannedTarget(scenario, scale, tables)
  const conn = await server.openDatabase(pristine)
  try {
    const expectation = await expectDeletion(conn, verifyInput({ server, scenario, tables, plan, target }))
    return { server, capabilities, scenario, scale, tables, plan, pristine, target, expectation }
  } finally {
    await conn.close()
  }
}

/** Seeds the scenario (or reuses its seeded database) and prepares it for strategy runs. */
export async function seedAndPrepare(
  server: DatabaseServer,
  capabilities: Capabilities,
  request: SeedRequest,
  options: {
    /** Rows loaded so far. */
    readonly seeding?: (progress: SeedProgress) => void
    /** The data is there (seeded or reused); its expectation is read next. */
    readonly seeded?: () => void
    /** Another process seeds the same data: this one waits, then reuses it. */
    readonly waiting?: () => void
    /** Refuse to seed what the free space cannot hold. */
    readonly diskCheck?: boolean
  } = {},
): Promise<PreparedScenario> {
  // Loaded here, not with this module: a run's child process prepares nothing and needs no generator.
  const { seedScenario } = await import('../seeds/seeder.js')
  const seeded = await seedScenario(server, request, options.seeding ?? (() => {}), {
    ...(options.waiting ? { onWait: options.waiting } : {}),
    diskCheck: options.diskCheck !== false,
  })
  options.seeded?.()
  const { scenario, scale, knobs = {} } = request
  const tables = scenarioTables(scenario, knobs)
  return prepareScenario(server, capabilities, scenario, scale, tables, seeded.database)
}

/** Why the strategy cannot run on the prepared scenario, or undefined when it can. */
export function unsupportedReason(
  prepared: PreparedScenario,
  strategy: Strategy,
  replicas = 0,
): string | undefined {
  const { server, capabilities, plan, scenario, tables } = prepared
  return strategy.unsupported?.(server.dialect, capabilities, plan, { scenario, tables, replicas })
}

/** A strategy's context as the harness holds it: what the strategy recorded, and its extra connections. */
export interface HarnessContext extends StrategyContext {
  /** The figures the strategy recorded (`ctx.record`). */
  figures(): Record<string, number>
  /** Starts the clock the strategy's batches and backlog are stamped by: called as the strategy starts. */
  startClock(): void
  /** The batches and backlog the strategy recorded, stamped in ms from `startClock`. */
  series(): StrategySeries
  /** Closes the connections the strategy opened and left open. */
  closeConnections(): Promise<void>
  /** What the strategy's own client sent, as it reported it (`reportStatements`); undefined where it did not. */
  reportedStatements():
    { readonly counts: Record<StatementKind, number>; readonly sources: string[] } | undefined
}

/** What a strategy recorded over time: its batches, and the backlog of work it left for later. */
export interface StrategySeries {
  readonly batches: readonly (BatchRecord & { readonly atMs: number })[]
  /** `[ms, queue length]` points. */
  readonly backlog: readonly (readonly [number, number])[]
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
    /** The replicas' lag, where the run has replicas. */
    readonly replicaLag?: () => Promise<number | undefined>
  } = {},
): HarnessContext {
  const { logger } = extras
  const { server } = prepared
  const figures: Record<string, number> = {}
  const extra: InstrumentedConnection[] = []
  const batches: (BatchRecord & { atMs: number })[] = []
  const backlog: [number, number][] = []
  let origin = performance.now()
  const now = () => Math.round((performance.now() - origin) * 10) / 10
  let reported: { counts: Record<StatementKind, number>; sources: string[] } | undefined
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
    acquireLock: (name) => server.dialect.acquireLock(conn, `${workingName}_${name}`, prepared.capabilities),
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
    recordBatch: (batch) => {
      batches.push({ atMs: now(), ...batch })
    },
    recordBacklog: (length) => {
      backlog.push([now(), length])
    },
    startClock: () => {
      origin = performance.now()
    },
    series: () => ({ batches: [...batches], backlog: [...backlog] }),
    closeConnections: async () => {
      await Promise.all(extra.splice(0).map((c) => c.close()))
    },
    progress: extras.onProgress ?? (() => {}),
    abort,
    ...(extras.replicaLag ? { replicaLag: extras.replicaLag } : {}),
    client: () => server.clientDetails(workingName),
    reportStatements: (counts, source) => {
      reported ??= {
        counts: Object.fromEntries(STATEMENT_KINDS.map((k) => [k, 0])) as Record<StatementKind, number>,
        sources: [],
      }
      for (const kind of STATEMENT_KINDS) reported.counts[kind] += Math.max(0, Math.round(counts[kind] ?? 0))
      if (!reported.sources.includes(source)) reported.sources.push(source)
    },
    reportedStatements: () => reported && { counts: { ...reported.counts }, sources: [...reported.sources] },
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
    return await verifyDeletion(verifier, verifyInput(prepared), prepared.expectation, deletedAt)
  } finally {
    await verifier.close()
  }
}

/** What the verifier compares: the scenario's tables, plan, target, callbacks and traffic. */
function verifyInput(
  prepared: Pick<PreparedScenario, 'server' | 'scenario' | 'tables' | 'plan' | 'target'>,
): Parameters<typeof verifyDeletion>[1] {
  const { server, scenario, target } = prepared
  return {
    adapter: server.dialect.adapter,
    tables: prepared.tables,
    plan: prepared.plan,
    where: target.where,
    params: target.params,
    callbacks: scenario.callbacks ?? [],
    traffic: scenario.traffic ?? [],
  }
}
