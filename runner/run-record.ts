/**
 * The run record of a strategy's iterations: what the child reports and the results file holds. Pure,
 * so what a run's figures mean is tested on fixed inputs.
 */
import type { RunRecord } from '../core/results-schema.js'
import type { Counters } from '../db/instrumented-connection.js'
import type { RestoreResult } from '../seeds/restore-working-copy.js'
import type { DatabaseCost } from './database-cost.js'
import type { MemoryPeaks } from './memory-sampler.js'
import type { StatementProfileRecord } from './profile-record.js'
import type { StrategySeries } from './run-strategy.js'
import type { PlanRecord } from './plan-flags.js'
import { relativeMarginOfError } from './iteration-policy.js'
import { mean, median, setAsideUpperOutliers } from './statistics.js'
import type { TrafficStats } from './traffic-protocol.js'
import type { Verdict } from './verifier.js'
import type { ReplicaIteration } from './replication-monitor.js'
import { replicationRecord } from './replication-record.js'
import type { StatementsOrigin } from './own-client-statements.js'
import { sameDeterministicWork, type WorkRecord } from './work-meter.js'

/** What one iteration left: its statements, its verdict, what the strategy recorded. */
export interface Iteration {
  /** The foreground traffic's figures, where traffic ran beside the deletion. */
  readonly foreground?: readonly TrafficStats[]
  /** The statements of the strategy's connections while it ran (and its own client's, where it has one). */
  readonly counters: Counters
  /** Where `counters` came from, for a strategy that drives a client of its own. */
  readonly statementsOrigin?: StatementsOrigin
  /** The same statements by template, with their time. */
  readonly profile: StatementProfileRecord
  /** The plans of its statement templates (the first iteration's only). */
  readonly plans?: readonly PlanRecord[]
  /** The database's own work counters over the iteration. */
  readonly work: WorkRecord
  readonly verdict: Verdict
  readonly signals: { readonly sent: number; readonly delivered: number }
  /** Figures the strategy recorded (`ctx.record`). */
  readonly figures: Readonly<Record<string, number>>
  /** The batches of a self-sizing loop (`ctx.recordBatch`), stamped from the strategy's start. */
  readonly batches?: StrategySeries['batches']
  /** The backlog of deferred work over time (`ctx.recordBacklog`). */
  readonly backlog?: StrategySeries['backlog']
  readonly restore: RestoreResult
  /** The strategy's error, in one line, where it threw. */
  readonly error?: string
  /** Replication lag on each replica, where the run has replicas. */
  readonly replication?: readonly ReplicaIteration[]
}

/** A run's record as the child reports it: everything but what the parent knows. */
export type ChildRun = Omit<RunRecord, 'database' | 'scenario' | 'strategy' | 'scale' | 'options'>

/** What the iterations of a run measured besides each iteration's own record. */
export interface IterationFigures {
  /** The timed iterations' latency, where the bench recorded it. */
  readonly timing?: NonNullable<RunRecord['timing']>
  /** CPU time of the strategy's process per timed iteration, ms. */
  readonly clientCpuMs: readonly number[]
  /** Peak memory over all timed iterations. */
  readonly memory: MemoryPeaks
  /** What the first deletion cost the database, where it was measured. */
  readonly databaseCost?: DatabaseCost
}

/** A run's status from its iterations: the first failure, else the first wrong result, else ok. */
export function statusOf(iterations: readonly Iteration[]): {
  readonly status: 'ok' | 'failed' | 'wrong-result'
  readonly error?: string
} {
  const failed = iterations.find((i) => i.error)
  if (failed?.error) return { status: 'failed', error: failed.error }
  const wrong = iterations.find((i) => !i.verdict.ok)
  if (wrong) return { status: 'wrong-result', error: wrong.verdict.problems[0] ?? 'wrong result' }
  return { status: 'ok' }
}

/**
 * The run record of a run's iterations (at least one). Counts, rows and figures are the first
 * iteration's; the verification shown is the first wrong one's; timing only where all went well.
 */
export function runRecordOf(
  iterations: readonly [Iteration, ...Iteration[]],
  figures: IterationFigures,
  memoryNote: string,
  withTraffic: boolean,
  iterationStop?: NonNullable<RunRecord['iterationStop']>,
): ChildRun {
  const [first] = iterations
  const { status, error } = statusOf(iterations)
  const wrong = iterations.find((i) => !i.verdict.ok)
  const { timing, databaseCost } = figures
  return {
    status,
    ...(error === undefined ? {} : { error }),
    iterations: iterations.length,
    ...(iterationStop ? { iterationStop } : {}),
    ...(timing && status === 'ok' ? { timing } : {}),
    statements: first.counters.statements,
    roundTrips: first.counters.roundTrips,
    ...(first.statementsOrigin ? { statementsSource: first.statementsOrigin } : {}),
    statementsStable: iterations.every((i) => JSON.stringify(i.counters) === JSON.stringify(first.counters)),
    rowsDeleted: first.verdict.rowsDeleted,
    profile: first.profile,
    ...(first.plans ? { plans: [...first.plans] } : {}),
    work: {
      ...first.work,
      ...(first.work.counters
        ? { stable: iterations.every((i) => sameDeterministicWork(first.work, i.work)) }
        : {}),
    },
    clientCpuMs: figures.clientCpuMs.slice(0, iterations.length).map((v) => Math.round(v * 10) / 10),
    memory: { ...figures.memory, note: memoryNote },
    signals: first.signals,
    ...(Object.keys(first.figures).length > 0 ? { figures: first.figures } : {}),
    ...(first.batches ? { batches: [...first.batches] } : {}),
    ...(first.backlog ? { backlog: first.backlog.map(([ms, length]) => [ms, length]) } : {}),
    restore: {
      method: first.restore.method,
      methods: iterations.map((i) => i.restore.method),
      seconds: iterations.map((i) => i.restore.seconds),
    },
    verification: { ok: (wrong ?? first).verdict.ok, problems: [...(wrong ?? first).verdict.problems] },
    ...(withTraffic ? { foreground: worstForeground(iterations) } : {}),
    ...(databaseCost ? { databaseCost } : {}),
    ...(first.replication
      ? { replication: replicationRecord(iterations.map((i) => i.replication ?? [])) }
      : {}),
  }
}

/**
 * Timing from the strategy's own times (the samples the iteration policy decided on), in run order.
 * The median, minimum and maximum are of every sample; the mean and its t-based margin of error leave
 * out the upper outliers, which are counted (`outliers`), as BenchmarkDotNet reports them.
 */
export function timingOfSamples(samples: readonly number[]): NonNullable<RunRecord['timing']> {
  const sorted = [...samples].sort((a, b) => a - b)
  const { kept, outliers } = setAsideUpperOutliers(samples)
  const rme = relativeMarginOfError(samples)
  return {
    samples: [...samples],
    min: sorted[0] ?? 0,
    median: median(sorted),
    mean: mean(kept),
    max: sorted.at(-1) ?? 0,
    rme: Number.isFinite(rme) ? rme : 0,
    outliers: outliers.length,
  }
}

/** Per traffic stream, the iteration with the worst p99 (what a reader needs to know about harm). */
function worstForeground(iterations: readonly Iteration[]): Omit<TrafficStats, 'elapsedMs'>[] {
  const byName = new Map<string, TrafficStats>()
  for (const stats of iterations.flatMap((i) => i.foreground ?? [])) {
    const seen = byName.get(stats.name)
    if (!seen || stats.p99Ms > seen.p99Ms) byName.set(stats.name, stats)
  }
  return [...byName.values()].map(({ elapsedMs: _elapsed, ...rest }) => rest)
}
