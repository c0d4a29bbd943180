/**
 * The matrix as a list of numbered runs: databases × scenarios × schema knobs × strategies × option
 * sets, in that fixed order. Pure: which runs a shard owns is decided here, the same on every machine,
 * before any database is opened.
 */
import type { DatabaseSpec } from '../db/database-url.js'
import type { OpenServerOptions } from '../db/open-server.js'
import type { Scenario } from '../scenarios/scenario.js'
import type { SchemaKnobs } from '../scenarios/scenario-tables.js'
import type { Strategy, StrategyOptions } from '../strategies/strategy.js'
import type { IterationPolicy } from './iteration-policy.js'

/** A database to run on: its parsed spec, and the `--db` text the child processes reopen it from. */
export interface MatrixDatabase {
  readonly spec: DatabaseSpec
  readonly value: string
  /** Its replicas' URLs (`--replica`), whose lag each run measures; none where absent. */
  readonly replicas?: readonly string[]
}

/** A scenario and strategy with the reference a child process resolves them from. */
export interface Referenced<T> {
  readonly value: T
  readonly reference: string
}

/** What to run: the matrix's axes, and how each run is done. */
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
  /** How many timed iterations each run takes: exactly N, or until the margin of error is small. */
  readonly policy: IterationPolicy
  readonly timeoutMs: number
  readonly open: OpenServerOptions
  readonly logSql: boolean
  /** Run the scenarios' foreground traffic during deletions. */
  readonly traffic: boolean
  /** Only this slice of the runs (run i when i mod count = index), so machines can share a matrix. */
  readonly shard?: { readonly index: number; readonly count: number }
}

/** The matrix's axes, and the shard: all that decides which runs there are. */
export type MatrixAxes = Pick<
  MatrixPlan,
  'databases' | 'scenarios' | 'knobs' | 'strategies' | 'options' | 'shard'
>

/** One run: its number in the whole matrix (from 0), the strategy and the options it runs with. */
export interface PlannedRun {
  readonly number: number
  readonly strategy: Referenced<Strategy>
  readonly options: StrategyOptions
}

/** A scenario seeded once on a database with one set of schema knobs, and the runs on that data. */
export interface PlannedSeed {
  readonly scenario: Referenced<Scenario>
  readonly knobs: SchemaKnobs
  readonly runs: readonly PlannedRun[]
}

/** A database with the seeds this shard runs on it (none, where the shard has no run there). */
export interface PlannedDatabase {
  readonly database: MatrixDatabase
  readonly seeds: readonly PlannedSeed[]
}

/**
 * Every run of the matrix that the shard owns, grouped by database and seed. A shard keeps a seed only
 * where it has runs on it, so it seeds nothing it does not use; every database stays listed, so each
 * shard's results describe all of them.
 */
export function planRuns(axes: MatrixAxes): PlannedDatabase[] {
  const mine = (i: number) => !axes.shard || i % axes.shard.count === axes.shard.index
  let number = 0
  return axes.databases.map((database) => {
    const seeds: PlannedSeed[] = []
    for (const scenario of axes.scenarios) {
      for (const knobs of axes.knobs) {
        const runs: PlannedRun[] = []
        for (const strategy of axes.strategies) {
          for (const options of optionsFor(strategy.value, axes.options)) {
            if (mine(number)) runs.push({ number, strategy, options })
            number++
          }
        }
        if (runs.length > 0) seeds.push({ scenario, knobs, runs })
      }
    }
    return { database, seeds }
  })
}

/** The swept option sets that differ in what the strategy reads (one run for a strategy reading none). */
export function optionsFor(strategy: Strategy, all: readonly StrategyOptions[]): StrategyOptions[] {
  if (!strategy.reads) return [...all]
  const reads = strategy.reads
  const seen = new Map<string, StrategyOptions>()
  for (const options of all) {
    const key = JSON.stringify(reads.map((k) => options[k]))
    if (!seen.has(key)) seen.set(key, options)
  }
  return [...seen.values()]
}

/** The options and knobs that take more than one value in the plan: the ones a run's label shows. */
export function sweptOptions(plan: Pick<MatrixPlan, 'knobs' | 'options'>): Set<string> {
  const varies = (values: readonly unknown[]) => new Set(values).size > 1
  const knob = (set: (k: SchemaKnobs) => boolean) => plan.knobs.length > 1 || plan.knobs.some(set)
  return new Set<string>([
    ...(varies(plan.options.map((o) => o.batchSize)) ? ['batchSize'] : []),
    ...(varies(plan.options.map((o) => o.sleepMs)) ? ['sleepMs'] : []),
    ...(varies(plan.options.map((o) => o.workers)) ? ['workers'] : []),
    ...(varies(plan.options.map((o) => o.chunkTimeMs)) ? ['chunkTimeMs'] : []),
    ...(varies(plan.options.map((o) => o.maxLagMs)) ? ['maxLagMs'] : []),
    ...(varies(plan.options.map((o) => o.bulkDelete ?? false)) ? ['bulkDelete'] : []),
    ...(knob((k) => Boolean(k.fkAction)) ? ['fkAction'] : []),
    ...(knob((k) => k.fkIndex !== undefined) ? ['fkIndex'] : []),
    ...(knob((k) => k.indexes !== undefined) ? ['indexes'] : []),
    ...(knob((k) => k.partitions !== undefined) ? ['partitions'] : []),
  ])
}
