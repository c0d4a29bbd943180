import { DatabaseServer, type ReclaimedDatabase } from '../db/database-server.js'
import type { DatabaseSpec } from '../db/database-url.js'
import type { Capabilities } from '../db/dialect.js'
import { openServer } from '../db/open-server.js'
import { strategyLabel } from '../core/strategy-label.js'
import type { ResultsDocument, RunRecord } from '../core/results-schema.js'
import { RESULTS_SCHEMA_VERSION } from '../core/results-schema.js'
import { scenarioLabel } from '../scenarios/registry.js'
import type { Scenario } from '../scenarios/scenario.js'
import type { SchemaKnobs } from '../scenarios/scenario-tables.js'
import type { SeedProgress } from '../seeds/seeder.js'
import type { Strategy, StrategyOptions } from '../strategies/strategy.js'
import type { describeEnvironment } from './environment.js'
import {
  planRuns,
  sweptOptions,
  type MatrixDatabase,
  type MatrixPlan,
  type PlannedRun,
  type PlannedSeed,
  type Referenced,
} from './run-plan.js'
import { seedAndPrepare, unsupportedReason, type PreparedScenario } from './run-strategy.js'
import { projection, runInChild, type ChildOutcome, type RunningChild } from './spawn-child.js'

/** What the runner tells its caller as it goes (the CLI draws progress and lines from these). */
export interface MatrixEvents {
  seeding?(label: string, progress: SeedProgress): void
  seeded?(label: string): void
  /** Another delbench process is seeding the same data: this one waits for it, then reuses it. */
  waiting?(label: string): void
  /** A database left by a delbench process that is gone (killed mid-run) was dropped. */
  reclaimed?(server: string, database: ReclaimedDatabase): void
  runStarted?(label: string): void
  runProgress?(label: string, rows: number, rowsExpected: number, elapsedMs: number): void
  runFinished?(label: string, run: RunRecord): void
  /** Called after every run with the document so far, so a results file always holds what finished. */
  checkpoint?(document: ResultsDocument): void
}

/** The label of a run in progress lines: its options appear only where the plan sweeps them. */
function sweptLabel(
  base: Pick<RunRecord, 'database' | 'scenario' | 'strategy' | 'options'>,
  swept: ReadonlySet<string>,
): string {
  return `${base.database.url} ${base.scenario} ${strategyLabel(base.strategy, base.options, { only: swept })}`
}

/** The options a run used: the strategy's own (all, where it does not say which it reads) and the knobs. */
function optionRecord(
  strategy: Strategy,
  options: StrategyOptions,
  knobs: SchemaKnobs,
): RunRecord['options'] {
  const reads = (key: keyof StrategyOptions) => !strategy.reads || strategy.reads.includes(key)
  return {
    ...(reads('batchSize') ? { batchSize: options.batchSize } : {}),
    ...(reads('sleepMs') ? { sleepMs: options.sleepMs } : {}),
    ...(reads('workers') ? { workers: options.workers } : {}),
    ...(reads('chunkTimeMs') ? { chunkTimeMs: options.chunkTimeMs } : {}),
    ...(reads('maxLagMs') && options.maxLagMs !== undefined ? { maxLagMs: options.maxLagMs } : {}),
    // Only where named: a strategy reading every option has no use for pt-archiver's one.
    ...(strategy.reads?.includes('bulkDelete') ? { bulkDelete: options.bulkDelete ? 'on' : 'off' } : {}),
    ...(knobs.fkAction ? { fkAction: knobs.fkAction } : {}),
    ...(knobs.fkIndex === undefined ? {} : { fkIndex: knobs.fkIndex ? 'on' : 'off' }),
    ...(knobs.indexes === undefined ? {} : { indexes: knobs.indexes ? 'on' : 'off' }),
    ...(knobs.partitions === undefined ? {} : { partitions: knobs.partitions }),
  }
}

/**
 * Runs databases × scenarios (× schema knobs) × strategies (× options): each scenario seeded once per
 * database and knob set, each run in its own child process on fresh copies, with a time budget. The
 * document is checkpointed after every run; `interrupt()` stops the current run and ends the matrix.
 */
export class MatrixRunner {
  readonly #plan: MatrixPlan
  readonly #events: MatrixEvents
  #current: RunningChild | undefined
  #interrupted = false

  constructor(plan: MatrixPlan, events: MatrixEvents = {}) {
    this.#plan = plan
    this.#events = events
  }

  interrupt(): void {
    this.#interrupted = true
    this.#current?.stop()
  }

  async run(environment: ReturnType<typeof describeEnvironment>): Promise<ResultsDocument> {
    const document: ResultsDocument = {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      environment: { ...environment, finishedAt: environment.startedAt, databases: [], interrupted: false },
      runs: [],
    }
    const swept = sweptOptions(this.#plan)
    for (const { database, seeds } of planRuns(this.#plan)) {
      if (this.#interrupted) break
      await this.#runDatabase(document, database, seeds, swept)
    }
    this.#checkpoint(document)
    return document
  }

  /** Describes the database into the document, then runs its seeds. */
  async #runDatabase(
    document: ResultsDocument,
    db: MatrixDatabase,
    seeds: readonly PlannedSeed[],
    swept: ReadonlySet<string>,
  ): Promise<void> {
    const server = await openServer(db.spec, this.#plan.open)
    try {
      // A run killed earlier (SIGKILL, OOM) left its working copies: they go before this run adds its own.
      for (const dropped of await server.reclaimAbandoned())
        this.#events.reclaimed?.(db.spec.display, dropped)
      const { server: info, capabilities } = await server.describe()
      document.environment.databases.push({
        kind: kindOf(db.spec),
        url: db.spec.display,
        product: info.product,
        version: info.version,
        settings: { ...info.settings },
      })
      for (const planned of seeds) {
        if (this.#interrupted) break
        const seeded = await this.#seed(server, capabilities, db, planned)
        await this.#runSeed(document, { ...seeded, db, swept }, planned.runs)
      }
    } finally {
      await server.close()
    }
  }

  /** Seeds the scenario (or reuses it) and prepares it, telling the caller how the seeding goes. */
  async #seed(
    server: DatabaseServer,
    capabilities: Capabilities,
    db: MatrixDatabase,
    { scenario, knobs }: PlannedSeed,
  ): Promise<Pick<SeedRuns, 'prepared' | 'scenario' | 'knobs'>> {
    const plan = this.#plan
    const label = `${scenarioLabel(scenario.value)} on ${db.spec.display}`
    const prepared = await seedAndPrepare(
      server,
      capabilities,
      { scenario: scenario.value, scale: plan.scale, seed: plan.seed, knobs },
      {
        seeding: (p) => this.#events.seeding?.(label, p),
        seeded: () => this.#events.seeded?.(label),
        waiting: () => this.#events.waiting?.(label),
        diskCheck: plan.diskCheck !== false,
      },
    )
    return { prepared, scenario, knobs }
  }

  /** Runs the strategies on one seeded scenario, each in its own child, checkpointing after each. */
  async #runSeed(document: ResultsDocument, seed: SeedRuns, runs: readonly PlannedRun[]): Promise<void> {
    for (const run of runs) {
      if (this.#interrupted) break
      const base = {
        database: { kind: kindOf(seed.db.spec), url: seed.db.spec.display },
        scenario: scenarioLabel(seed.scenario.value),
        strategy: run.strategy.value.name,
        scale: this.#plan.scale,
        options: optionRecord(run.strategy.value, run.options, seed.knobs),
      }
      const name = sweptLabel(base, seed.swept)
      this.#events.runStarted?.(name)
      // A strategy that cannot run here is known before any process starts: one costs ~0.5 s to boot.
      const reason = unsupportedReason(seed.prepared, run.strategy.value, seed.db.replicas?.length ?? 0)
      const outcome: ChildOutcome = reason
        ? { kind: 'result', run: { status: 'unsupported', error: reason, iterations: 0 }, curve: [[0, 0]] }
        : await this.#runInChild(seed, run, name)
      if (outcome.kind === 'interrupted') break
      const record = runRecord(base, outcome, {
        budgetMs: this.#plan.timeoutMs,
        rowsExpected: rowsExpected(seed.prepared),
        memoryNote: seed.prepared.server.dialect.memoryNote,
      })
      document.runs.push(record)
      this.#events.runFinished?.(name, record)
      this.#checkpoint(document)
    }
  }

  /** One run in a child process, on a working copy of its own, within the time budget. */
  async #runInChild(seed: SeedRuns, run: PlannedRun, name: string): Promise<ChildOutcome> {
    const plan = this.#plan
    const { prepared, scenario } = seed
    const expected = rowsExpected(prepared)
    const outcome = await runInChild(
      prepared.server,
      {
        db: seed.db.value,
        sqlite: plan.open.sqlite ?? {},
        logSql: plan.logSql,
        scenario: scenario.reference,
        strategy: run.strategy.reference,
        knobs: seed.knobs,
        scale: plan.scale,
        seed: plan.seed,
        options: run.options,
        policy: plan.policy,
        budgetMs: plan.timeoutMs,
        capabilities: prepared.capabilities,
        pristine: prepared.pristine,
        working: DatabaseServer.uniqueName(`run_${scenario.value.name}`),
        expectation: prepared.expectation,
        traffic: plan.traffic,
        replicas: seed.db.replicas ?? [],
      },
      { budgetMs: plan.timeoutMs, rowsExpected: expected },
      (rows, elapsedMs) => this.#events.runProgress?.(name, rows, expected, elapsedMs),
      (child) => (this.#current = child),
    )
    this.#current = undefined
    return outcome
  }

  /** The document so far, stamped with the time and whether the matrix was interrupted. */
  #checkpoint(document: ResultsDocument): void {
    document.environment.finishedAt = new Date().toISOString()
    document.environment.interrupted = this.#interrupted
    this.#events.checkpoint?.(document)
  }
}

/** A seeded scenario on one database, and what its runs' labels show. */
interface SeedRuns {
  readonly db: MatrixDatabase
  readonly prepared: PreparedScenario
  readonly scenario: Referenced<Scenario>
  readonly knobs: SchemaKnobs
  /** The options the plan sweeps, which labels show. */
  readonly swept: ReadonlySet<string>
}

/** Rows a correct deletion removes, over all tables. */
function rowsExpected(prepared: PreparedScenario): number {
  return Object.values(prepared.expectation.tables).reduce((a, t) => a + t.deleted, 0)
}

/** A run's record from its child's outcome: its result, or a timeout's projection, or its error. */
function runRecord(
  base: Pick<RunRecord, 'database' | 'scenario' | 'strategy' | 'scale' | 'options'>,
  outcome: Exclude<ChildOutcome, { kind: 'interrupted' }>,
  context: { readonly budgetMs: number; readonly rowsExpected: number; readonly memoryNote: string },
): RunRecord {
  if (outcome.kind === 'result')
    return { ...base, ...outcome.run, progress: outcome.curve.map(([t, r]) => [t, r]) }
  if (outcome.kind === 'timeout') return { ...base, ...timeoutRecord(outcome, context) }
  return { ...base, status: 'failed', error: outcome.message, iterations: 0 }
}

/**
 * A run with no finished iteration: its projection from the iteration's own rows and time, its memory
 * so far, and whether its budget ran out or it was stopped early as hopeless.
 */
function timeoutRecord(
  outcome: Extract<ChildOutcome, { kind: 'timeout' }>,
  context: { readonly budgetMs: number; readonly rowsExpected: number; readonly memoryNote: string },
): Omit<RunRecord, 'database' | 'scenario' | 'strategy' | 'scale' | 'options'> {
  const budget = `${Number((context.budgetMs / 1000).toFixed(1))} s`
  const error = outcome.hopeless
    ? `stopped early: projected ${Number((outcome.hopeless.projectedMs / 1000).toFixed(1))} s > ${budget} budget`
    : `stopped after the ${budget} budget`
  return {
    status: 'timeout',
    error,
    iterations: 0,
    iterationStop: { reason: outcome.hopeless ? 'hopeless' : 'budget', detail: error },
    projection: projection(outcome.rows, outcome.elapsedMs, context.rowsExpected),
    ...(outcome.memory.peakRssBytes > 0 ? { memory: { ...outcome.memory, note: context.memoryNote } } : {}),
    ...(outcome.profile ? { profile: outcome.profile } : {}),
    progress: outcome.curve.map(([t, r]) => [t, r]),
  }
}

function kindOf(spec: DatabaseSpec): RunRecord['database']['kind'] {
  return spec.kind === 'throwaway' ? spec.product : spec.kind
}
