import { fork } from 'node:child_process'
import type { DatabaseServer } from '../db/database-server.js'
import type { RunRecord } from '../core/results-schema.js'
import type { ChildJob, ChildMessage } from './child-protocol.js'

/** What the parent learns from a child: its result, or how far it got before its budget ran out. */
export type ChildOutcome =
  | {
      readonly kind: 'result'
      readonly run: Extract<ChildMessage, { type: 'result' }>['run']
      readonly curve: ProgressCurve
    }
  | {
      readonly kind: 'timeout'
      readonly rows: number
      readonly elapsedMs: number
      readonly curve: ProgressCurve
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
 * Runs one job in a child process with a time budget. When the budget is spent the child is killed,
 * the server-side work of its session ended (a client's death does not stop a running DELETE on
 * MySQL), and its working copy dropped, so the next run starts clean.
 */
export async function runInChild(
  server: DatabaseServer,
  job: ChildJob,
  timeoutMs: number,
  onProgress: (rows: number, elapsedMs: number) => void = () => {},
  onStart: (child: RunningChild) => void = () => {},
): Promise<ChildOutcome> {
  const child = fork(CHILD, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
    // The child collects the restore's and the verifier's garbage before each timed iteration.
    execArgv: [...process.execArgv, '--expose-gc'],
  })
  /** The strategy's server sessions (its own, and its workers'), of the iteration in progress. */
  const sessions = new Set<number>()
  let progress = { rows: 0, elapsedMs: 0 }
  const curve: [number, number][] = [[0, 0]]
  let interrupted = false
  // SIGTERM lets the child end its traffic process; SIGKILL follows if it does not exit in time.
  const terminate = () => {
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
    const timer = setTimeout(() => {
      terminate()
      settle({
        kind: 'timeout',
        rows: progress.rows,
        elapsedMs: Math.max(progress.elapsedMs, timeoutMs),
        curve: thinned(curve),
      })
    }, timeoutMs)
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'progress') {
        progress = { rows: message.rows, elapsedMs: message.elapsedMs }
        if (message.iteration === 0) curve.push([Math.round(message.elapsedMs), message.rows])
        onProgress(message.rows, message.elapsedMs)
      } else if (message.type === 'session') {
        if (message.reset) sessions.clear()
        sessions.add(message.id)
      } else if (message.type === 'result') {
        settle({ kind: 'result', run: message.run, curve: thinned(finished(curve, message.run)) })
      } else {
        settle({ kind: 'error', message: message.message })
      }
    })
    child.on('exit', (code, signal) => {
      if (interrupted) settle({ kind: 'interrupted' })
      else
        settle({
          kind: 'error',
          message: `the run's process ended unexpectedly (${signal ?? `exit code ${code}`})`,
        })
    })
    child.send(job)
  })
  if (outcome.kind === 'timeout' || outcome.kind === 'interrupted')
    await endSessions(server, job.working, sessions)
  if (child.exitCode === null && child.signalCode === null) {
    await new Promise((resolve) => {
      child.once('exit', resolve)
      setTimeout(() => child.kill('SIGKILL'), 5000).unref()
    })
  }
  // A killed or crashed child may have left a copy under way on the server: end it, drop it for good.
  if (outcome.kind === 'result') await server.dropDatabase(job.working).catch(() => {})
  else await server.abandon(job.working).catch(() => {})
  return outcome
}

/** A finished run's curve ends where its first iteration did, with every row it deleted. */
function finished(
  curve: readonly (readonly [number, number])[],
  run: Extract<ChildMessage, { type: 'result' }>['run'],
): (readonly [number, number])[] {
  const ms = run.timing?.samples[0]
  if (ms === undefined || run.status !== 'ok') return [...curve]
  const rows = Object.values(run.rowsDeleted ?? {}).reduce((a, b) => a + b, 0)
  return [...curve.filter(([t]) => t < ms), [Math.round(ms), rows]]
}

/** Ends the killed child's server-side sessions, so their statements stop holding locks. */
async function endSessions(
  server: DatabaseServer,
  working: string,
  sessions: ReadonlySet<number>,
): Promise<void> {
  const kill = server.dialect.killSessionSql
  if (!kill || sessions.size === 0) return
  const conn = await server.openDatabase(working).catch(() => undefined)
  if (!conn) return
  try {
    for (const session of sessions) await conn.query(kill, [session]).catch(() => {})
  } finally {
    await conn.close()
  }
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
