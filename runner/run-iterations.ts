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
import type { Counters, InstrumentedConnection, SqlLogger } from '../db/instrumented-connection.js'
import type { StatementKind } from '../db/statement-kind.js'
import { restoreWorkingCopy, type RestoreResult } from '../seeds/restore-working-copy.js'
import { DEFAULT_LAG_WAIT_MS, type Strategy, type StrategyOptions } from '../strategies/strategy.js'
import { nextIteration, maxIterations, type IterationPolicy, type StopReason } from './iteration-policy.js'
import { costBaseline, databaseCost, type CostBaseline, type DatabaseCost } from './database-cost.js'
import { errorLine } from './error-line.js'
import { startTrafficProcess, type TrafficProcess } from './foreground-traffic.js'
import { collectGarbage, sampleMemory, type MemoryPeaks } from './memory-sampler.js'
import { profileRecord, type StatementProfileRecord } from './profile-record.js'
import { analyzable, analyzeTemplates, explainTemplates } from './query-plans.js'
import type { PlanRecord } from './plan-flags.js'
import type { TemplateFigures } from '../db/statement-profile.js'
import { timingOfSamples, type Iteration, type IterationFigures } from './run-record.js'
import {
  strategyContext,
  verifyWorkingCopy,
  type HarnessContext,
  type PreparedScenario,
  type StrategySeries,
} from './run-strategy.js'
import type { TrafficJob } from './traffic-protocol.js'
import { WorkMeter } from './work-meter.js'
import { ReplicationMonitor, type ReplicaTarget } from './replication-monitor.js'
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
  /** Replicas of the server whose lag each timed iteration measures (`--replica`); the caller closes them. */
  readonly replicas?: readonly ReplicaTarget[]
  /**
   * `false` leaves out the statement profile, the work counters and the plans: only `bench-overhead`
   * does, to measure what they cost.
   */
  readonly instrument?: boolean
}

/** The work counters of a run measured without them (`instrument: false`). */
const NOT_MEASURED = 'not measured: left out to measure what measuring costs (bench-overhead)'

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
  /**
   * The first iteration's profile and the memory peaks so far, about every PROFILE_EVERY_MS while it
   * runs: what a run its budget stops before any iteration finished still reports (a single long
   * statement reports no progress).
   */
  profile?(profile: StatementProfileRecord, memory: MemoryPeaks): void
}

/** How often the profile of a first iteration under way is passed on (it sorts each template's times). */
export const PROFILE_EVERY_MS = 500

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
  /** The replicas' lag, where the run has replicas. */
  readonly #replication: ReplicationMonitor | undefined
  /** Passes on the first iteration's profile while it runs, where the caller listens. */
  #profileTimer: NodeJS.Timeout | undefined

  constructor(job: IterationJob, hooks: IterationHooks) {
    this.#job = job
    this.#hooks = hooks
    if (job.replicas?.length)
      this.#replication = new ReplicationMonitor(
        job.prepared.server,
        job.replicas,
        job.options.lagWaitMs ?? DEFAULT_LAG_WAIT_MS,
      )
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
    const timing = this.#samples.length > 0 ? timingOfSamples(this.#samples) : undefined
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
    const instrument = this.#job.instrument !== false
    if (!instrument) conn.stopProfiling()
    const work = new WorkMeter(
      instrument ? server.dialect.work : { ...server.dialect.work, unavailable: NOT_MEASURED },
      this.#sharedWith(),
    )
    const ctx = this.#context(conn, work)
    if (!this.#cost) this.#baseline = await costBaseline(server, working, prepared.plan)
    const traffic = this.#trafficProcess()
    await traffic?.begin(working)
    // The replicas have applied the restore before the clock starts: no lag leaks into this iteration.
    await this.#replication?.begin(working)
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
    this.#watchProfile(conn)
  }

  /** While the first iteration runs, its profile so far every PROFILE_EVERY_MS, for the caller. */
  #watchProfile(conn: InstrumentedConnection): void {
    const report = this.#hooks.profile
    if (!report || this.#iterations.length > 0) return
    const started = performance.now()
    const snapshot = () => {
      const taken = performance.now()
      const now = conn.profileNow()
      report(profileRecord(now.templates, taken - started, { underWay: now.running }), this.#memoryNow())
      // A snapshot sorts every call's time (hundreds of thousands for a long per-row run): the next
      // waits at least 50 times as long as this one took, so snapshots cost at most 2% of the iteration.
      const cost = performance.now() - taken
      this.#profileTimer = setTimeout(snapshot, Math.max(PROFILE_EVERY_MS, 50 * cost)).unref()
    }
    this.#profileTimer = setTimeout(snapshot, PROFILE_EVERY_MS).unref()
  }

  /** The harness's own sessions that work on the working copy beside the strategy, if any. */
  #sharedWith(): string | undefined {
    const others = [
      ...(this.#job.traffic ? ['the foreground traffic'] : []),
      ...(this.#job.replicas?.length ? ['the replication heartbeat'] : []),
    ]
    return others.length > 0 ? others.join(' and ') : undefined
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
      ...(this.#replication ? { replicaLag: replicaLagOf(this.#replication) } : {}),
    })
  }

  /** Timed: the strategy alone. Its error is a result (`failed`), never a crash of the harness. */
  async #timed(): Promise<void> {
    const { ctx } = this.#current as Current
    const started = performance.now()
    ctx.startClock()
    this.#replication?.started()
    try {
      await this.#job.strategy.run(ctx)
    } catch (e) {
      this.#error = errorLine(e)
    }
    this.#samples.push(performance.now() - started)
    this.#replication?.ended()
  }

  /** Untimed, first thing after the strategy: its CPU time and memory peaks. */
  #measured(): void {
    clearTimeout(this.#profileTimer)
    this.#profileTimer = undefined
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
    // The replicas catch up (or the wait ends) before anything else touches the working copy.
    const replication = await this.#replication?.finish()
    await ctx.closeConnections()
    const { counters, origin } = await this.#statements(conn, ctx, serverStatements)
    const templates = conn.profile()
    const profile = profileRecord(templates, this.#samples.at(-1) ?? 0)
    await conn.close()
    const verdict = await verifyWorkingCopy(prepared, working, ctx.deletedAt)
    // Once, before the space is reclaimed: plans are asked of the statistics the deletion ran with.
    const plain =
      this.#iterations.length === 0 && this.#job.instrument !== false
        ? await explainTemplates(prepared, working, templates)
        : undefined
    // What the first deletion cost the database: log written, space before, after, after reclaim.
    if (!this.#cost && this.#baseline)
      this.#cost = await databaseCost(prepared.server, working, this.#baseline)
    const plans = plain && (await this.#measuredPlans(templates, plain, restore.seconds))
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
      ...nonEmpty(ctx.series()),
      restore,
      ...(this.#error ? { error: this.#error } : {}),
      ...(replication ? { replication } : {}),
    })
    this.#hooks.iteration?.(this.#iterations.at(-1) as Iteration, this.#samples.at(-1) ?? 0, this.#figures())
    // A failed or wrong iteration ends the run: repeating it measures nothing new.
    const next = this.#error || !verdict.ok ? 'failure' : this.#decideNext()
    if (next !== 'continue') {
      this.#stopReason = next
      this.#stop.abort()
    }
  }

  /**
   * The first iteration's plans timed where the database can run a statement and roll it back: on the
   * working copy restored again (the deletion left nothing to delete), which the next iteration
   * restores anew. A restore that fails keeps the plain plans: they are still the database's.
   */
  async #measuredPlans(
    templates: readonly TemplateFigures[],
    plain: readonly PlanRecord[],
    restoreSeconds: number,
  ): Promise<readonly PlanRecord[]> {
    const { prepared, working, budgetMs, startedAt } = this.#job
    if (!analyzable(prepared, templates)) return plain
    // The run's budget holds the analysis too: it needs a restore (as long as this iteration's) and
    // leaves a second for what follows; with less, the plain plans stand.
    const restoreMs = 1000 * restoreSeconds
    const left = (budgetMs ?? Infinity) - (performance.now() - (startedAt ?? 0)) - restoreMs - 1000
    if (left < 500)
      return plain.map((p) => ({ ...p, plan: `${p.plan}\n(not analyzed: the run's budget is spent)` }))
    try {
      await restoreWorkingCopy(prepared.server, prepared.pristine, working, prepared.tables)
      return await analyzeTemplates(prepared, working, templates, plain, left)
    } catch (e) {
      return plain.map((p) => ({ ...p, plan: `${p.plan}\n(not analyzed: ${errorLine(e)})` }))
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

/** The strategy's series that have points: most strategies record none. */
function nonEmpty(series: StrategySeries): Partial<StrategySeries> {
  return {
    ...(series.batches.length > 0 ? { batches: series.batches } : {}),
    ...(series.backlog.length > 0 ? { backlog: series.backlog } : {}),
  }
}

/** The strategy's view of the replicas' lag, read afresh at each call. */
function replicaLagOf(monitor: ReplicationMonitor): () => Promise<number | undefined> {
  return () => monitor.lag()
}

/** The higher of two memory peaks, each figure on its own. */
function maxPeaks(a: MemoryPeaks, b: MemoryPeaks): MemoryPeaks {
  return {
    peakRssBytes: Math.max(a.peakRssBytes, b.peakRssBytes),
    peakHeapBytes: Math.max(a.peakHeapBytes, b.peakHeapBytes),
  }
}
