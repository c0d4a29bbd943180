import { fork } from 'node:child_process'
import type { DatabaseServer } from '../db/database-server.js'
import type { RunRecord } from '../core/results-schema.js'
import type { ChildJob, ChildMessage } from './child-protocol.js'
import { hopeless, type ProgressPoints } from './early-stop.js'
import { stopDetail } from './iteration-policy.js'
import type { MemoryPeaks } from './memory-sampler.js'
import type { StatementProfileRecord } from './profile-record.js'
import {
  runRecordOf,
  timingOfSamples,
  type ChildRun,
  type Iteration,
  type IterationFigures,
} from './run-record.js'

/** What the parent learns from a child: its result, or how far it got before its budget ran out. */
export type ChildOutcome =
  | {
      readonly kind: 'result'
      readonly run: ChildRun
      readonly curve: ProgressCurve
    }
  | {
      /** No iteration finished within the budget, or the first was projected hopeless and stopped. */
      readonly kind: 'timeout'
      /** Rows the iteration under way had deleted, and its own elapsed time (not the run's). */
      readonly rows: number
      readonly elapsedMs: number
      /** Set where the run was stopped early: its projection was several budgets long. */
      readonly hopeless?: { readonly projectedMs: number }
      readonly memory: MemoryPeaks
      readonly curve: ProgressCurve
      /** The iteration's statement profile as far as it got, where the child reported one. */
      readonly profile?: StatementProfileRecord
    }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'interrupted' }

/** Rows deleted over time in a run's first iteration: [milliseconds, rows] pairs. */
export type ProgressCurve = readonly (readonly [number, number])[]

/** Points kept per curve: enough for a chart, few enough for the results file of an hour-long run. */
const CURVE_POINTS = 400

/** Halves a curve's resolution until it fits, always keeping its first and last points. */
function thinned(curve: readonly (readonly [number, number])[]): (readonly [number, number])[] {
  let points = [...curve]
  while (points.length > CURVE_POINTS) {
    const last = points[points.length - 1] as readonly [number, number]
    points = points.filter((_, i) => i % 2 === 0)
    if (points[points.length - 1] !== last) points.push(last)
  }
  return points
}

/** The running child, so an interrupt can stop it. */
export interface RunningChild {
  stop(): void
}

const CHILD = new URL('./child-main.js', import.meta.url)

/**
 * What the parent has heard from a child so far: the finished iterations (a run its budget cuts short
 * is reported from them), the iteration under way, the strategy's sessions and the progress curve.
 */
class ChildWatch {
  readonly sessions = new Set<number>()
  readonly curve: [number, number][] = [[0, 0]]
  readonly finished: Iteration[] = []
  readonly samples: number[] = []
  figures: IterationFigures | undefined
  memory: MemoryPeaks = { peakRssBytes: 0, peakHeapBytes: 0 }
  /** The first iteration's profile so far, while no iteration has finished. */
  profile: StatementProfileRecord | undefined
  /** The iteration under way: its index, progress points, and when its last point arrived. */
  current = { index: 0, points: [] as [number, number][], receivedAt: 0 }

  /** Takes a progress, session or iteration message; the others are the caller's. */
  heard(message: ChildMessage): void {
    if (message.type === 'progress') {
      if (message.iteration !== this.current.index)
        this.current = { index: message.iteration, points: [], receivedAt: 0 }
      this.current.points.push([message.elapsedMs, message.rows])
      this.current.receivedAt = performance.now()
      this.memory = message.memory
      if (message.iteration === 0) this.curve.push([Math.round(message.elapsedMs), message.rows])
    } else if (message.type === 'profile') {
      this.profile = message.profile
      this.memory = message.memory
    } else if (message.type === 'session') {
      if (message.reset) this.sessions.clear()
      this.sessions.add(message.id)
    } else if (message.type === 'iteration') {
      this.finished.push(message.iteration)
      this.samples.push(message.sampleMs)
      this.figures = message.figures
    }
  }

  /** Rows and own elapsed time of the iteration under way, now. */
  progressNow(): { rows: number; elapsedMs: number } {
    const last = this.current.points.at(-1)
    if (!last) return { rows: 0, elapsedMs: 0 }
    return { rows: last[1], elapsedMs: last[0] + (performance.now() - this.current.receivedAt) }
  }
}

/** What a run is held to: its budget, and the rows a correct deletion removes (for projections). */
export interface ChildBudget {
  readonly budgetMs: number
  readonly rowsExpected: number
}

/**
 * Runs one job in a child process within its budget. The child starts no iteration the budget cannot
 * hold; when the budget ends one under way (or a first iteration is projected several budgets long)
 * the child is killed, the server-side work of its sessions ended (a client's death does not stop a
 * running DELETE on MySQL), and its working copy dropped, so the next run starts clean. A run with
 * finished iterations keeps them as its samples; one without is a timeout, projected from the
 * iteration's own rate.
 */
export async function runInChild(
  server: DatabaseServer,
  job: Omit<ChildJob, 'usedMs'>,
  budget: ChildBudget,
  onProgress: (rows: number, elapsedMs: number) => void = () => {},
  onStart: (child: RunningChild) => void = () => {},
): Promise<ChildOutcome> {
  const started = performance.now()
  const child = fork(CHILD, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
    // The child collects the restore's and the verifier's garbage before each timed iteration.
    execArgv: [...process.execArgv, '--expose-gc'],
  })
  const watch = new ChildWatch()
  let interrupted = false
  let killed = false
  // SIGTERM lets the child end its traffic process; SIGKILL follows if it does not exit in time.
  const terminate = () => {
    killed = true
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 3000).unref()
  }
  onStart({
    stop: () => {
      interrupted = true
      terminate()
    },
  })
  const outcome = await new Promise<ChildOutcome>((resolve) => {
    let settled = false
    const settle = (o: ChildOutcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(o)
    }
    const stopWith = (o: ChildOutcome) => {
      terminate()
      settle(o)
    }
    const timer = setTimeout(() => stopWith(budgetSpent(server, job, budget, watch)), budget.budgetMs)
    child.on('message', (message: ChildMessage) => {
      watch.heard(message)
      if (message.type === 'progress') {
        onProgress(message.rows, message.elapsedMs)
        const doomed = watch.finished.length === 0 ? earlyStop(watch, budget) : undefined
        if (doomed) stopWith(doomed)
      } else if (message.type === 'result')
        settle({
          kind: 'result',
          run: message.run,
          curve: thinned(finished(watch.curve, message.run, watch.samples[0])),
        })
      else if (message.type === 'error') settle({ kind: 'error', message: message.message })
    })
    child.on('exit', (code, signal) => {
      if (interrupted) settle({ kind: 'interrupted' })
      else
        settle({
          kind: 'error',
          message: `the run's process ended unexpectedly (${signal ?? `exit code ${code}`})`,
        })
    })
    child.send({ ...job, usedMs: performance.now() - started } satisfies ChildJob)
  })
  await afterChild(server, job.working, child, killed, watch.sessions)
  return outcome
}

/** Once the child is done or killed: its sessions ended if killed, its working copy dropped for good. */
async function afterChild(
  server: DatabaseServer,
  working: string,
  child: ReturnType<typeof fork>,
  killed: boolean,
  sessions: ReadonlySet<number>,
): Promise<void> {
  // Its server-side sessions end too, so their statements stop holding locks.
  if (killed) await server.endSessions(working, [...sessions]).catch(() => {})
  if (child.exitCode === null && child.signalCode === null) {
    await new Promise((resolve) => {
      child.once('exit', resolve)
      setTimeout(() => child.kill('SIGKILL'), 5000).unref()
    })
  }
  // A killed or crashed child may have left a copy under way on the server: end it, drop it for good.
  if (!killed) await server.dropDatabase(working).catch(() => {})
  else await server.abandon(working).catch(() => {})
}

/**
 * The outcome of a run whose budget ended with an iteration under way: the finished iterations as its
 * samples, where there are any; otherwise a timeout with the iteration's own rows and time.
 */
function budgetSpent(
  server: DatabaseServer,
  job: Omit<ChildJob, 'usedMs'>,
  budget: ChildBudget,
  watch: ChildWatch,
): ChildOutcome {
  const [first, ...rest] = watch.finished
  if (first && watch.figures) {
    const run = runRecordOf(
      [first, ...rest],
      { ...watch.figures, memory: watch.memory, timing: timingOfSamples(watch.samples) },
      server.dialect.memoryNote,
      watch.finished.some((i) => i.foreground),
      { reason: 'budget', detail: stopDetail('budget', job.policy, watch.samples, budget.budgetMs) },
    )
    return { kind: 'result', run, curve: thinned(finished(watch.curve, run, watch.samples[0])) }
  }
  return {
    kind: 'timeout',
    ...watch.progressNow(),
    memory: watch.memory,
    curve: thinned(watch.curve),
    ...(watch.profile ? { profile: watch.profile } : {}),
  }
}

/** A first iteration whose settled rate projects several budgets: stopped now, with that projection. */
function earlyStop(watch: ChildWatch, budget: ChildBudget): ChildOutcome | undefined {
  const points: ProgressPoints = watch.current.points
  const verdict = hopeless(points, budget.rowsExpected, budget.budgetMs)
  if (!verdict) return undefined
  const [elapsedMs, rows] = points.at(-1) as readonly [number, number]
  return {
    kind: 'timeout',
    rows,
    elapsedMs,
    hopeless: { projectedMs: verdict.projectedMs },
    memory: watch.memory,
    curve: thinned(watch.curve),
    ...(watch.profile ? { profile: watch.profile } : {}),
  }
}

/** A finished run's curve ends where its first iteration did, with every row it deleted. */
function finished(
  curve: readonly (readonly [number, number])[],
  run: Extract<ChildMessage, { type: 'result' }>['run'],
  firstSampleMs: number | undefined,
): (readonly [number, number])[] {
  // The first iteration's own time, as the child reported it (the timing's samples are sorted).
  const ms = firstSampleMs
  if (ms === undefined || run.status !== 'ok') return [...curve]
  const rows = Object.values(run.rowsDeleted ?? {}).reduce((a, b) => a + b, 0)
  return [...curve.filter(([t]) => t < ms), [Math.round(ms), rows]]
}

/** A timeout's projection: rows so far, the rate, and the time the whole deletion would take. */
export function projection(
  rows: number,
  elapsedMs: number,
  rowsExpected: number,
): NonNullable<RunRecord['projection']> {
  const rowsPerSecond = elapsedMs > 0 ? (rows * 1000) / elapsedMs : 0
  return {
    rowsDeleted: rows,
    elapsedMs,
    rowsPerSecond: Math.round(rowsPerSecond),
    rowsExpected,
    projectedMs: rowsPerSecond > 0 ? Math.round((rowsExpected / rowsPerSecond) * 1000) : null,
  }
}
