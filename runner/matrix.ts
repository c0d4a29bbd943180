import { DatabaseServer } from '../db/database-server.js'
import type { DatabaseSpec } from '../db/database-url.js'
import { openServer, type OpenServerOptions } from '../db/open-server.js'
import type { ResultsDocument, RunRecord } from '../core/results-schema.js'
import { RESULTS_SCHEMA_VERSION } from '../core/results-schema.js'
import { scenarioLabel } from '../scenarios/registry.js'
import type { Scenario } from '../scenarios/scenario.js'
import { scenarioTables, type SchemaKnobs } from '../scenarios/scenario-tables.js'
import { seedScenario, type SeedProgress } from '../seeds/seeder.js'
import type { Strategy, StrategyOptions } from '../strategies/strategy.js'
import type { describeEnvironment } from './environment.js'
import { prepareScenario } from './run-strategy.js'
import { projection, runInChild, type RunningChild } from './spawn-child.js'

/** A database to run on: its parsed spec, and the `--db` text the child processes reopen it from. */
export interface MatrixDatabase {
  readonly spec: DatabaseSpec
  readonly value: string
}

/** A scenario and strategy with the reference a child process resolves them from. */
export interface Referenced<T> {
  readonly value: T
  readonly reference: string
}

export interface MatrixPlan {
  readonly databases: readonly MatrixDatabase[]
  readonly scenarios: readonly Referenced<Scenario>[]
  readonly strategies: readonly Referenced<Strategy>[]
  readonly scale: number
  readonly seed: number
  /** Refuse to seed what the free space cannot hold (off with `--skip-disk-check`). */
  readonly diskCheck?: boolean
  /** One run per combination of these (the sweeps). */
  readonly knobs: readonly SchemaKnobs[]
  readonly options: readonly StrategyOptions[]
  readonly iterations: number
  readonly timeoutMs: number
  readonly open: OpenServerOptions
  readonly logSql: boolean
  /** Run the scenarios' foreground traffic during deletions. */
  readonly traffic: boolean
  /** Only this slice of the runs (run i when i mod count = index), so machines can share a matrix. */
  readonly shard?: { readonly index: number; readonly count: number }
}

/** What the runner tells its caller as it goes (the CLI draws progress and lines from these). */
export interface MatrixEvents {
  seeding?(label: string, progress: SeedProgress): void
  seeded?(label: string): void
  /** Another delbench process is seeding the same data: this one waits for it, then reuses it. */
  waiting?(label: string): void
  runStarted?(label: string): void
  runProgress?(label: string, rows: number, rowsExpected: number, elapsedMs: number): void
  runFinished?(label: string, run: RunRecord): void
  /** Called after every run with the document so far, so a results file always holds what finished. */
  checkpoint?(document: ResultsDocument): void
}

/** The label of one run in progress lines and tables. */
export function runLabel(run: Pick<RunRecord, 'database' | 'scenario' | 'strategy' | 'options'>): string {
  const options = Object.entries(run.options)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')
  return `${run.database.url} ${run.scenario} ${run.strategy}${options ? ` (${options})` : ''}`
}

/** The label of a run: its options appear only where the plan sweeps them. */
function sweptLabel(
  base: Pick<RunRecord, 'database' | 'scenario' | 'strategy' | 'options'>,
  swept: ReadonlySet<string>,
): string {
  const options = Object.fromEntries(Object.entries(base.options).filter(([k]) => swept.has(k)))
  return runLabel({ ...base, options })
}

/** The swept option sets that differ in what the strategy reads (one run for a strategy reading none). */
function optionsFor(strategy: Strategy, all: readonly StrategyOptions[]): StrategyOptions[] {
  if (!strategy.reads) return [...all]
  const reads = strategy.reads
  const seen = new Map<string, StrategyOptions>()
  for (const options of all) {
    const key = JSON.stringify(reads.map((k) => options[k]))
    if (!seen.has(key)) seen.set(key, options)
  }
  return [...seen.values()]
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
    const plan = this.#plan
    const document: ResultsDocument = {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      environment: { ...environment, finishedAt: environment.startedAt, databases: [], interrupted: false },
      runs: [],
    }
    const checkpoint = () => {
      document.environment.finishedAt = new Date().toISOString()
      document.environment.interrupted = this.#interrupted
      this.#events.checkpoint?.(document)
    }
    const swept = new Set<string>([
      ...(new Set(plan.options.map((o) => o.batchSize)).size > 1 ? ['batchSize'] : []),
      ...(new Set(plan.options.map((o) => o.sleepMs)).size > 1 ? ['sleepMs'] : []),
      ...(new Set(plan.options.map((o) => o.workers)).size > 1 ? ['workers'] : []),
      ...(plan.knobs.length > 1 || plan.knobs.some((k) => k.fkAction) ? ['fkAction'] : []),
      ...(plan.knobs.length > 1 || plan.knobs.some((k) => k.fkIndex !== undefined) ? ['fkIndex'] : []),
      ...(plan.knobs.length > 1 || plan.knobs.some((k) => k.indexes !== undefined) ? ['indexes'] : []),
      ...(plan.knobs.length > 1 || plan.knobs.some((k) => k.partitions !== undefined) ? ['partitions'] : []),
    ])
    // Every run has a number in a fixed order (database, scenario, knobs, strategy, options); a shard
    // runs the numbers it owns, the same on every machine.
    const block = plan.strategies.reduce((n, s) => n + optionsFor(s.value, plan.options).length, 0)
    const mine = (i: number) => !plan.shard || i % plan.shard.count === plan.shard.index
    let slot = 0
    for (const db of plan.databases) {
      if (this.#interrupted) break
      const server = await openServer(db.spec, plan.open)
      try {
        const { server: info, capabilities } = await server.describe()
        document.environment.databases.push({
          kind: kindOf(db.spec),
          url: db.spec.display,
          product: info.product,
          version: info.version,
          settings: { ...info.settings },
        })
        for (const { value: scenario, reference } of plan.scenarios) {
          for (const knobs of plan.knobs) {
            if (this.#interrupted) break
            // A shard seeds only the scenarios it has runs of.
            const first = slot
            slot += block
            if (!Array.from({ length: block }, (_, k) => first + k).some(mine)) continue
            let next = first
            const label = `${scenarioLabel(scenario)} on ${db.spec.display}`
            const seeded = await seedScenario(
              server,
              { scenario, scale: plan.scale, seed: plan.seed, knobs },
              (p) => this.#events.seeding?.(label, p),
              { onWait: () => this.#events.waiting?.(label), diskCheck: plan.diskCheck !== false },
            )
            this.#events.seeded?.(label)
            const tables = scenarioTables(scenario, knobs)
            const prepared = await prepareScenario(
              server,
              capabilities,
              scenario,
              plan.scale,
              tables,
              seeded.database,
            )
            const rowsExpected = Object.values(prepared.expectation.tables).reduce((a, t) => a + t.deleted, 0)
            for (const { value: strategy, reference: strategyRef } of plan.strategies) {
              for (const options of optionsFor(strategy, plan.options)) {
                if (this.#interrupted) break
                if (!mine(next++)) continue
                const base = {
                  database: { kind: kindOf(db.spec), url: db.spec.display },
                  scenario: scenarioLabel(scenario),
                  strategy: strategy.name,
                  scale: plan.scale,
                  options: optionRecord(strategy, options, knobs),
                }
                const name = sweptLabel(base, swept)
                this.#events.runStarted?.(name)
                const outcome = await runInChild(
                  server,
                  {
                    db: db.value,
                    sqlite: plan.open.sqlite ?? {},
                    logSql: plan.logSql,
                    scenario: reference,
                    strategy: strategyRef,
                    knobs,
                    scale: plan.scale,
                    seed: plan.seed,
                    options,
                    iterations: plan.iterations,
                    capabilities,
                    pristine: seeded.database,
                    working: DatabaseServer.uniqueName(`run_${scenario.name}`),
                    expectation: prepared.expectation,
                    traffic: plan.traffic,
                  },
                  plan.timeoutMs,
                  (rows, elapsedMs) => this.#events.runProgress?.(name, rows, rowsExpected, elapsedMs),
                  (child) => (this.#current = child),
                )
                this.#current = undefined
                if (outcome.kind === 'interrupted') break
                const run: RunRecord =
                  outcome.kind === 'result'
                    ? { ...base, ...outcome.run, progress: outcome.curve.map(([t, r]) => [t, r]) }
                    : outcome.kind === 'timeout'
                      ? {
                          ...base,
                          status: 'timeout',
                          error: `stopped after the ${(plan.timeoutMs / 1000).toFixed(0)} s budget`,
                          iterations: 0,
                          projection: projection(outcome.rows, outcome.elapsedMs, rowsExpected),
                          progress: outcome.curve.map(([t, r]) => [t, r]),
                        }
                      : { ...base, status: 'failed', error: outcome.message, iterations: 0 }
                document.runs.push(run)
                this.#events.runFinished?.(name, run)
                checkpoint()
              }
            }
          }
        }
      } finally {
        await server.close()
      }
    }
    checkpoint()
    return document
  }
}

function kindOf(spec: DatabaseSpec): RunRecord['database']['kind'] {
  return spec.kind === 'throwaway' ? spec.product : spec.kind
}
