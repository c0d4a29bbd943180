/**
 * Foreground traffic, in its own process so it competes with the deletion the way an application
 * would (and so SQLite's synchronous driver cannot stall it behind the strategy's statements). Each
 * traffic spec runs open-loop on its own connection: operation i is sent at start + i / rate whether
 * or not earlier ones finished, and its latency is measured from that intended start, so a stall
 * shows as every operation it delayed, not as one slow sample (no coordinated omission).
 */
import { parseDatabaseSpec } from '../db/database-url.js'
import { openServer } from '../db/open-server.js'
import { bindPlaceholders } from '../db/placeholders.js'
import type { Connection } from '../db/connection.js'
import type { DatabaseServer } from '../db/database-server.js'
import { resolveScenario } from '../scenarios/registry.js'
import type { RandomSource, RowContext, TrafficSpec } from '../scenarios/scenario.js'
import { compileGenerator, type ValueFunction } from '../seeds/generators.js'
import { deriveSeed, randomSource } from '../seeds/random.js'
import { rowCounts } from '../scenarios/row-counts.js'
import { valuePools } from '../seeds/value-pools.js'
import { errorLine } from './error-line.js'
import type { TrafficCommand, TrafficJob, TrafficMessage, TrafficStats } from './traffic-protocol.js'

const send = (message: TrafficMessage): void => {
  process.send?.(message)
}

/** How an error is counted: lock waits and deadlocks are what a deletion inflicts. */
function errorKind(error: unknown): string {
  const e = error as { code?: unknown; errno?: unknown; message?: unknown }
  const code = String(e.code ?? '')
  const errno = Number(e.errno ?? 0)
  if (code === '40P01' || errno === 1213) return 'deadlock'
  if (code === '55P03' || errno === 1205 || code === '57014') return 'lock timeout'
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'database busy'
  return 'other'
}

/** p-th percentile (0–100) of sorted values, nearest rank. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number
}

/** One traffic spec's connection and what it has measured so far. */
interface Stream {
  readonly spec: TrafficSpec
  readonly conn: Connection
  readonly params: readonly {
    readonly fn: ValueFunction
    readonly random: RandomSource
    readonly seed: number
  }[]
  readonly sql: string
  readonly latencies: number[]
  readonly errors: Record<string, number>
  firstError: string | undefined
  readonly inFlight: Set<Promise<void>>
  intended: number
  /** Operations queue here, one at a time per connection, as an application's connection would. */
  tail: Promise<unknown>
}

/** What the operations' parameter generators read: the scenario's row counts, times and value pools. */
type GeneratorSetting = Pick<RowContext, 'counts' | 'referenceMs' | 'pool' | 'seedOf'>

/** What stays for the whole run: the server, the scenario's traffic specs and their value source. */
interface TrafficSetting {
  readonly server: DatabaseServer
  readonly job: TrafficJob
  readonly specs: readonly TrafficSpec[]
  readonly generators: GeneratorSetting
}

async function setUp(job: TrafficJob): Promise<TrafficSetting> {
  const server = await openServer(parseDatabaseSpec(job.db), { sqlite: job.sqlite })
  const scenario = await resolveScenario(job.scenario)
  const pools = await valuePools(scenario, job.seed)
  const generators: GeneratorSetting = {
    counts: rowCounts(scenario, job.scale),
    referenceMs: Date.parse(scenario.referenceTime),
    pool: (m, s) => pools.get(m, s),
    // The seeded columns' own seeds: a parameter can compute a row's uuid as the seeder made it.
    seedOf: (table, column) => deriveSeed(job.seed, scenario.name, table, column),
  }
  return { server, job, specs: scenario.traffic ?? [], generators }
}

/** How long a stopped iteration's last operations may take to finish before their connections close. */
const DRAIN_MS = 5000

/**
 * One iteration's traffic: every stream sends on its own connection from `begin` until `stop`, which
 * returns the figures (operations still waiting count as late as they are then) and closes the
 * connections once those operations have finished, so none of them writes during the verification.
 */
async function trafficOn(
  setting: TrafficSetting,
  working: string,
  stopped: Promise<void>,
): Promise<TrafficStats[]> {
  const streams = await Promise.all(setting.specs.map((spec) => openStream(setting, working, spec)))
  send({ type: 'ready' })
  const started = performance.now()
  await Promise.all(streams.map((stream) => sendOperations(stream, started, setting.generators, stopped)))
  const elapsedMs = performance.now() - started
  const stats = streams.map((stream) => statsOf(stream, started, elapsedMs))
  const drained = Promise.allSettled(streams.flatMap((stream) => [...stream.inFlight]))
  await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())])
  await Promise.all(streams.map((stream) => stream.conn.close().catch(() => {})))
  return stats
}

/** The run's traffic: set up once, then one `begin` … `stop` per iteration, until the run ends it. */
function serve(job: TrafficJob): void {
  const setting = setUp(job)
  let stop: (() => void) | undefined
  let running: Promise<TrafficStats[]> | undefined
  process.on('message', (command: TrafficCommand) => {
    if (command.type === 'begin') {
      const stopped = new Promise<void>((resolve) => (stop = resolve))
      running = setting.then((s) => trafficOn(s, command.working, stopped))
      running.catch((e: unknown) => send({ type: 'error', message: errorLine(e) }))
    } else if (command.type === 'stop') {
      stop?.()
      void running?.then(
        (stats) => send({ type: 'stats', stats }),
        () => {},
      )
    }
  })
}

/** The traffic spec's own connection on the working copy, and its parameters' generators. */
async function openStream(setting: TrafficSetting, working: string, spec: TrafficSpec): Promise<Stream> {
  const { server, job } = setting
  const conn = await server.openDatabase(working)
  const params = (spec.params ?? []).map((g, i) => ({
    fn: compileGenerator(g),
    random: randomSource(job.seed, 'traffic', spec.name, String(i)),
    seed: deriveSeed(job.seed, 'traffic', spec.name, String(i)),
  }))
  const sql = bindPlaceholders(spec.sql, server.dialect.adapter)
  const measured = { latencies: [], errors: {}, firstError: undefined, inFlight: new Set<Promise<void>>() }
  return { spec, conn, params, sql, ...measured, intended: 0, tail: Promise.resolve() }
}

/** Sends the stream's operations at its rate, each on schedule whether or not earlier ones finished. */
async function sendOperations(
  stream: Stream,
  started: number,
  setting: GeneratorSetting,
  stopped: Promise<void>,
): Promise<void> {
  let stopping = false
  void stopped.then(() => (stopping = true))
  const interval = 1000 / stream.spec.rate
  for (let i = 0; !stopping; i++) {
    const intended = started + i * interval
    // Timers count whole milliseconds: rounding the wait up keeps an operation from starting early.
    const wait = Math.ceil(intended - performance.now())
    // A stop ends the wait at once: the iteration's verification need not wait out an interval.
    if (wait > 0) await untilStopped(stopped, wait)
    if (stopping) break
    stream.intended++
    const index = i
    const values = stream.params.map((p) =>
      p.fn({ index, count: 0, random: p.random, seed: p.seed, ...setting }),
    )
    const sent = stream.tail.then(() => stream.conn.query(stream.sql, values))
    stream.tail = sent.catch(() => {})
    const op = sent
      .then(
        () => void stream.latencies.push(Math.max(0, performance.now() - intended)),
        (error: unknown) => {
          const kind = errorKind(error)
          stream.errors[kind] = (stream.errors[kind] ?? 0) + 1
          stream.firstError ??= errorLine(error)
        },
      )
      .finally(() => stream.inFlight.delete(op))
    stream.inFlight.add(op)
  }
}

/** Waits `ms`, or less if the traffic is stopped meanwhile. */
async function untilStopped(stopped: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([stopped, new Promise((resolve) => (timer = setTimeout(resolve, ms)))])
  clearTimeout(timer)
}

/** The stream's latency figures. Operations still waiting (behind a lock, say) count as late as they are now. */
function statsOf(stream: Stream, started: number, elapsedMs: number): TrafficStats {
  const now = performance.now()
  const pending = stream.inFlight.size
  const waiting = Array.from({ length: pending }, (_, k) =>
    Math.max(0, now - (started + (stream.intended - pending + k) / (stream.spec.rate / 1000))),
  )
  const sorted = [...stream.latencies, ...waiting].sort((a, b) => a - b)
  return {
    name: stream.spec.name,
    rate: stream.spec.rate,
    intended: stream.intended,
    completed: stream.latencies.length,
    pending,
    errors: stream.errors,
    ...(stream.firstError === undefined ? {} : { firstError: stream.firstError }),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? 0,
    elapsedMs,
  }
}

// If the run that started this traffic is killed, the traffic must not outlive it.
// Ctrl-C reaches the whole process group: the parent decides what stops, and tells its children.
process.on('SIGINT', () => {})
process.once('disconnect', () => process.exit(0))

process.once('message', (job: TrafficJob) => serve(job))
