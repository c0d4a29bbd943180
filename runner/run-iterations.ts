/**
 * A strategy's timed iterations on fresh working copies: the one code path of `delbench run` (whose
 * child process adds only the IPC around it) and of the strategy tests.
 *
 * Timing is tinybench's, configured for expensive destructive work: no time-based looping, no warm-up;
 * each iteration's restore runs in the untimed `beforeEach`, its verification in the untimed
 * `afterEach`, and the strategy alone is timed. How many iterations run is the policy's: exactly N, or
 * until the margin of error reaches its target; either way no iteration starts that the run's budget
 * cannot hold (the bench is stopped after the last one, keeping every finished sample).
 */
import { Bench } from 'tinybench'
import type { RunRecord } from '../core/results-schema.js'
import type { Counters, InstrumentedConnection, SqlLogger } from '../db/instrumented-connection.js'
import type { StatementKind } from '../db/statement-kind.js'
import { restoreWorkingCopy, type RestoreResult } from '../seeds/restore-working-copy.js'
import type { Strategy, StrategyOptions } from '../strategies/strategy.js'
import { nextIteration, maxIterations, type IterationPolicy, type StopReason } from './iteration-policy.js'
import { costBaseline, databaseCost, type CostBaseline, type DatabaseCost } from './database-cost.js'
import { errorLine } from './error-line.js'
import { startTrafficProcess, type TrafficProcess } from './foreground-traffic.js'
import { collectGarbage, sampleMemory, type MemoryPeaks } from './memory-sampler.js'
import { profileRecord } from './profile-record.js'
import { explainTemplates } from './query-plans.js'
import type { Iteration, IterationFigures } from './run-record.js'
import {
  strategyContext,
  verifyWorkingCopy,
  type HarnessContext,
  type PreparedScenario,
} from './run-strategy.js'
import type { TrafficJob } from './traffic-protocol.js'
import { WorkMeter } from './work-meter.js'
import { ownClientStatements, type StatementsOrigin } from './own-client-statements.js'

/** What a run's iterations need: the prepared scenario, the strategy and where it works. */
export interface IterationJob {
  readonly prepared: PreparedScenario
  readonly strategy: Pick<Strategy, 'run' | 'ownClient'>
  readonly options: StrategyOptions
  /** The working copy, restored from the pristine one before each iteration; the caller drops it. */
  readonly working: string
  /** How many timed iterations: exactly N, or until the margin of error is small enough. */
  readonly policy: IterationPolicy
  /** The run's budget in ms, counted from `startedAt` (`performance.now()`); none where absent. */
  readonly budgetMs?: number
  readonly startedAt?: number
  /** Logs every statement of the strategy's connections (`--log-sql`). */
  readonly logger?: SqlLogger
  /** The foreground traffic to run beside each timed iteration, if any. */
  readonly traffic?: TrafficJob
}

/** What the caller hears while the iterations run (the child passes it on to the parent). */
export interface IterationHooks {
  /** Rows deleted so far in iteration `index` (from 0), how long it has run, and the memory peaks so far. */
  progress?(index: number, rows: number, elapsedMs: number, memory: MemoryPeaks): void
  /** An iteration finished and verified: its record, its time, and the run's figures so far. */
  iteration?(iteration: Iteration, sampleMs: number, figures: IterationFigures): void
  /** A connection of the strategy's: its own (`first`, once per iteration) or a worker's. */
  connection?(conn: InstrumentedConnection, first: boolean): Promise<void>
  /** The run's traffic process, once started, so a stop signal can end it first. */
  traffic?(running: TrafficProcess): void
}

/** What the iterations left: each finished one, and the figures measured across them. */
export interface IterationsOutcome extends IterationFigures {
  readonly iterations: readonly Iteration[]
  /** Why no further iteration ran. */
  readonly stopReason: StopReason
  /** The strategy's own time in each finished iteration, ms, in order. */
  readonly samples: readonly number[]
  /** The strategy's error in the last iteration, where it threw. */
  readonly error?: string
  /** What ended the bench besides the strategy (the restore, the verification: a server gone). */
  readonly harnessError?: string
}

/** Runs the job's iterations; a failed or wrong iteration ends them (repeating it measures nothing). */
export async function runIterations(
  job: IterationJob,
  hooks: IterationHooks = {},
): Promise<IterationsOutcome> {
  return new IterationRunner(job, hooks).run()
}

/** The iteration under way: its connection, the strategy's context, and what ran beside it. */
interface Current {
  readonly conn: InstrumentedConnection
  readonly ctx: HarnessContext
  readonly restore: RestoreResult
  /** The database's work counters over the iteration. */
  readonly work: WorkMeter
  /** Whether the traffic was begun on this iteration's copy. */
  readonly traffic: boolean
  /** The server's statement counters before the strategy, for a strategy with a client of its own. */
  readonly serverStatements?: Readonly<Record<StatementKind, number>>
}

class IterationRunner {
  readonly #job: IterationJob
  readonly #hooks: IterationHooks
  readonly #stop = new AbortController()
  readonly #iterations: Iteration[] = []
  /** CPU time of this process in each timed iteration: the client's own work (and SQLite's). */
  readonly #cpuMs: number[] = []
  #memory: MemoryPeaks = { peakRssBytes: 0, peakHeapBytes: 0 }
  #current: Current | undefined
  /** The run's traffic process: one for all its iterations (a process per iteration cost ~0.5 s each). */
  #traffic: TrafficProcess | undefined
  /** The strategy's own time in each finished iteration, in ms, in order. */
  readonly #samples: number[] = []
  /** The longest whole iteration so far (restore, strategy, verification): what the next may cost. */
  #longestIterationMs = 0
  #iterationStarted = 0
  #stopReason: StopReason = 'iterations'
  #memorySampler: { peaks(): MemoryPeaks; stop(): MemoryPeaks } | undefined
  #cpuStart: NodeJS.CpuUsage | undefined
  #error: string | undefined
  #baseline: CostBaseline | undefined
  #cost: DatabaseCost | undefined

  constructor(job: IterationJob, hooks: IterationHooks) {
    this.#job = job
    this.#hooks = hooks
  }

  async run(): Promise<IterationsOutcome> {
    const bench = new Bench({
      iterations: maxIterations(this.#job.policy),
      time: 0,
      warmup: false,
      retainSamples: true,
      throws: true,
      signal: this.#stop.signal,
    })
    bench.add('strategy', () => this.#timed(), {
      beforeEach: () => this.#restoreHook(),
      afterEach: () => this.#verifyHook(),
    })
    // The traffic process boots (~0.3 s) while the first working copy is restored, not after it.
    this.#trafficProcess()
    // A failure outside the strategy (the restore, the verification: a server gone, a file unwritable)
    // ends the bench; its message is the run's.
    let harnessError: string | undefined
    await bench.run().catch((e: unknown) => {
      harnessError = errorLine(e)
    })
    await this.#traffic?.kill()
    const timing = timingOf(bench)
    return {
      iterations: this.#iterations,
      stopReason: this.#stopReason,
      samples: this.#samples,
      ...(this.#error === undefined ? {} : { error: this.#error }),
      ...(harnessError === undefined ? {} : { harnessError }),
      ...(timing ? { timing } : {}),
      clientCpuMs: this.#cpuMs,
      memory: this.#memory,
      ...(this.#cost ? { databaseCost: this.#cost } : {}),
    }
  }

  /** Untimed: a fresh working copy, the strategy's connection and context, the traffic started. */
  async #restoreHook(): Promise<void> {
    const { prepared, working, logger } = this.#job
    const { server } = prepared
    this.#error = undefined
    this.#iterationStarted = performance.now()
    const restore = await restoreWorkingCopy(server, prepared.pristine, working, prepared.tables)
    const conn = await server.openDatabase(working, logger ? { logger } : {})
    await this.#hooks.connection?.(conn, true)
    const work = new WorkMeter(server.dialect.work)
    const ctx = this.#context(conn, work)
    if (!this.#cost) this.#baseline = await costBaseline(server, working, prepared.plan)
    const traffic = this.#trafficProcess()
    await traffic?.begin(working)
    // Last before the clock: the harness's own sessions on the working copy have closed (and published
    // their statistics).
    await work.start(conn)
    const counter = this.#job.strategy.ownClient ? server.dialect.statementCounters : undefined
    const serverStatements = await counter?.read(conn)
    this.#current = {
      conn,
      ctx,
      restore,
      work,
      traffic: traffic !== undefined,
      ...(serverStatements ? { serverStatements } : {}),
    }
    conn.resetCounters()
    // The last verification read whole tables: its garbage is collected now, not on the clock.
    collectGarbage()
    // Memory and CPU are measured from here to the end of the strategy, so that tinybench's timed
    // window holds the strategy alone and its samples are the ones the iteration policy decides on.
    this.#memorySampler = sampleMemory()
    this.#cpuStart = process.cpuUsage()
  }

  /** The run's traffic process, started once for all its iterations. */
  #trafficProcess(): TrafficProcess | undefined {
    if (!this.#job.traffic) return undefined
    if (!this.#traffic) {
      this.#traffic = startTrafficProcess(this.#job.traffic)
      this.#hooks.traffic?.(this.#traffic)
    }
    return this.#traffic
  }

  /** The strategy's context for the iteration starting, reporting its progress and connections. */
  #context(conn: InstrumentedConnection, work: WorkMeter): HarnessContext {
    const { prepared, working, options, logger } = this.#job
    const hooks = this.#hooks
    const index = this.#iterations.length
    const started = performance.now()
    return strategyContext(prepared, conn, working, options, this.#stop.signal, {
      onProgress: (rows) => hooks.progress?.(index, rows, performance.now() - started, this.#memoryNow()),
      onConnection: async (opened) => {
        await hooks.connection?.(opened, false)
        await work.attach(opened)
      },
      ...(logger ? { logger } : {}),
    })
  }

  /** Timed: the strategy alone. Its error is a result (`failed`), never a crash of the harness. */
  async #timed(): Promise<void> {
    const { ctx } = this.#current as Current
    const started = performance.now()
    try {
      await this.#job.strategy.run(ctx)
    } catch (e) {
      this.#error = errorLine(e)
    }
    this.#samples.push(performance.now() - started)
  }

  /** Untimed, first thing after the strategy: its CPU time and memory peaks. */
  #measured(): void {
    const used = process.cpuUsage(this.#cpuStart)
    this.#cpuMs.push((used.user + used.system) / 1000)
    this.#memory = maxPeaks(this.#memory, this.#memorySampler?.stop() ?? this.#memory)
    this.#memorySampler = undefined
  }

  /** The memory peaks of the run so far, the iteration under way included. */
  #memoryNow(): MemoryPeaks {
    const current = this.#memorySampler?.peaks()
    return current ? maxPeaks(this.#memory, current) : this.#memory
  }

  /** Whether another iteration is worth starting (the policy, the budget), or why the bench stops. */
  #decideNext(): StopReason | 'continue' {
    const { policy, budgetMs, startedAt } = this.#job
    this.#longestIterationMs = Math.max(this.#longestIterationMs, performance.now() - this.#iterationStarted)
    return nextIteration(policy, {
      samples: this.#samples,
      elapsedMs: performance.now() - (startedAt ?? 0),
      budgetMs: budgetMs ?? Number.POSITIVE_INFINITY,
      nextIterationMs: this.#longestIterationMs,
    })
  }

  /** Untimed: the traffic stopped, the statements counted, the working copy verified. */
  async #verifyHook(): Promise<void> {
    this.#measured()
    // No iteration under way: the restore failed, and its error (not this hook's) is the run's.
    if (!this.#current) return
    const { conn, ctx, restore, work, traffic, serverStatements } = this.#current
    this.#current = undefined
    const { prepared, working } = this.#job
    const foreground = traffic ? await this.#traffic?.stop() : undefined
    await ctx.closeConnections()
    const { counters, origin } = await this.#statements(conn, ctx, serverStatements)
    const templates = conn.profile()
    const profile = profileRecord(templates, this.#samples.at(-1) ?? 0)
    await conn.close()
    const verdict = await verifyWorkingCopy(prepared, working, ctx.deletedAt)
    // Once, before the space is reclaimed: plans are asked of the statistics the deletion ran with.
    const plans =
      this.#iterations.length === 0 ? await explainTemplates(prepared, working, templates) : undefined
    this.#iterations.push({
      ...(foreground ? { foreground } : {}),
      counters,
      ...(origin ? { statementsOrigin: origin } : {}),
      profile,
      ...(plans ? { plans } : {}),
      work: work.record(),
      verdict,
      signals: ctx.signals.counts(),
      figures: ctx.figures(),
      restore,
      ...(this.#error ? { error: this.#error } : {}),
    })
    // What the first deletion cost the database: log written, space before, after, after reclaim.
    if (!this.#cost && this.#baseline)
      this.#cost = await databaseCost(prepared.server, working, this.#baseline)
    this.#hooks.iteration?.(this.#iterations.at(-1) as Iteration, this.#samples.at(-1) ?? 0, this.#figures())
    // A failed or wrong iteration ends the run: repeating it measures nothing new.
    const next = this.#error || !verdict.ok ? 'failure' : this.#decideNext()
    if (next !== 'continue') {
      this.#stopReason = next
      this.#stop.abort()
    }
  }

  /**
   * The iteration's statements: its connection's, and for a strategy with a client of its own, that
   * client's as it reported them or as the server counted them (read here, before the verifier's).
   */
  async #statements(
    conn: InstrumentedConnection,
    ctx: HarnessContext,
    before: Current['serverStatements'],
  ): Promise<{ counters: Counters; origin?: StatementsOrigin }> {
    const counters = conn.counters()
    if (!this.#job.strategy.ownClient) return { counters }
    const { dialect } = this.#job.prepared.server
    const counter = dialect.statementCounters
    const after = before && counter ? await counter.read(conn) : undefined
    return ownClientStatements(
      counters,
      ctx.reportedStatements(),
      before && after && counter ? { before, after, note: counter.note } : undefined,
      dialect.statementCountersUnavailable ?? 'the server’s statement counters were not read',
    )
  }

  /** The figures measured across the finished iterations so far. */
  #figures(): IterationFigures {
    return {
      clientCpuMs: [...this.#cpuMs],
      memory: this.#memory,
      ...(this.#cost ? { databaseCost: this.#cost } : {}),
    }
  }
}

/** The higher of two memory peaks, each figure on its own. */
function maxPeaks(a: MemoryPeaks, b: MemoryPeaks): MemoryPeaks {
  return {
    peakRssBytes: Math.max(a.peakRssBytes, b.peakRssBytes),
    peakHeapBytes: Math.max(a.peakHeapBytes, b.peakHeapBytes),
  }
}

/** The timed iterations' latency as tinybench measured it. */
function timingOf(bench: Bench): RunRecord['timing'] {
  const result = bench.tasks[0]?.result
  const stats = result && 'latency' in result ? result.latency : undefined
  if (!stats) return undefined
  return {
    samples: [...(stats.samples ?? [])],
    min: stats.min,
    median: stats.p50,
    mean: stats.mean,
    max: stats.max,
    rme: Number.isFinite(stats.rme) ? stats.rme : 0,
  }
}
