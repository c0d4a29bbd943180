import type { Capabilities } from '../db/dialect.js'
import type { SqliteOptions } from '../db/sqlite/sqlite-options.js'
import type { SchemaKnobs } from '../scenarios/scenario-tables.js'
import type { StrategyOptions } from '../strategies/strategy.js'
import type { IterationPolicy } from './iteration-policy.js'
import type { MemoryPeaks } from './memory-sampler.js'
import type { StatementProfileRecord } from './profile-record.js'
import type { ChildRun, Iteration, IterationFigures } from './run-record.js'
import type { Expectation } from './verifier.js'

/**
 * One run for a child process: everything it needs to repeat a strategy on fresh copies of the seeded
 * data. Sent over IPC, never on the command line, because `db` may hold a password.
 */
export interface ChildJob {
  readonly db: string
  readonly sqlite: SqliteOptions
  readonly logSql: boolean
  /** How the child finds the scenario and strategy again: names or file paths. */
  readonly scenario: string
  readonly strategy: string
  readonly knobs: SchemaKnobs
  readonly scale: number
  readonly seed: number
  readonly options: StrategyOptions
  /** How many timed iterations: exactly N, or until the margin of error reaches its target. */
  readonly policy: IterationPolicy
  /** The run's budget (`--timeout`), in ms. */
  readonly budgetMs: number
  /** How much of it the run had used when the job was sent (the child's start), in ms. */
  readonly usedMs: number
  readonly capabilities: Capabilities
  readonly pristine: string
  /** The working copy's name, chosen by the parent so it can drop it if the child is killed. */
  readonly working: string
  readonly expectation: Expectation
  /** Run the scenario's foreground traffic during each timed iteration. */
  readonly traffic: boolean
  /** Replicas of `db` whose lag each timed iteration measures (URLs, may hold passwords). */
  readonly replicas?: readonly string[]
  /** `false`: no statement profile, work counters or plans (bench-overhead measures their cost). */
  readonly instrument?: boolean
}

/** What a child reports while it works. */
export type ChildMessage =
  /** Rows deleted so far in the current iteration, and how long it has run (for timeout projections). */
  | {
      readonly type: 'progress'
      readonly iteration: number
      readonly rows: number
      readonly elapsedMs: number
      /** The run's memory peaks so far, so a run stopped by its budget still reports them. */
      readonly memory: MemoryPeaks
    }
  /** The first iteration's statement profile and memory peaks so far, while it runs (a run stopped mid-way reports them). */
  | { readonly type: 'profile'; readonly profile: StatementProfileRecord; readonly memory: MemoryPeaks }
  /** An iteration finished and verified: what a run cut short by its budget is reported from. */
  | {
      readonly type: 'iteration'
      readonly iteration: Iteration
      readonly sampleMs: number
      readonly figures: IterationFigures
    }
  /**
   * A server-side session of the strategy (its connection, `reset` at each iteration, or a worker's),
   * so a timed-out run's queries can be ended.
   */
  | { readonly type: 'session'; readonly id: number; readonly reset?: boolean }
  /** The run's outcome (every field of a results-file run except what the parent knows). */
  | { readonly type: 'result'; readonly run: ChildRun }
  | { readonly type: 'error'; readonly message: string }
