/**
 * The child process that runs one strategy on one scenario and database for N iterations, so its
 * memory and garbage never pollute the next run. The parent sends a ChildJob over IPC; the child
 * answers with progress, its session id and, last, the run's result.
 *
 * Timing is tinybench's, configured for expensive destructive work: a fixed number of iterations, no
 * time-based looping, no warm-up; each iteration's restore runs in the untimed `beforeEach`, its
 * verification in the untimed `afterEach`.
 */
import { Bench } from 'tinybench'
import { parseDatabaseSpec } from '../db/database-url.js'
import type { Connection } from '../db/connection.js'
import type { DatabaseServer } from '../db/database-server.js'
import type { Counters, InstrumentedConnection } from '../db/instrumented-connection.js'
import { openServer } from '../db/open-server.js'
import { redact } from '../core/redact.js'
import { resolveScenario } from '../scenarios/registry.js'
import { scenarioTables } from '../scenarios/scenario-tables.js'
import { restoreWorkingCopy, type RestoreResult } from '../seeds/restore-working-copy.js'
import { StrategyRegistry } from '../strategies/registry.js'
import type { StrategyContext } from '../strategies/strategy.js'
import type { RunRecord } from '../core/results-schema.js'
import type { ChildJob, ChildMessage } from './child-protocol.js'
import { startTraffic, type RunningTraffic } from './foreground-traffic.js'
import { collectGarbage, sampleMemory, type MemoryPeaks } from './memory-sampler.js'
import type { TrafficStats } from './traffic-protocol.js'
import { planDeletion } from '../scenarios/deletion-plan.js'
import { rowCounts } from '../scenarios/row-counts.js'
import {
  strategyContext,
  verifyWorkingCopy,
  type HarnessContext,
  type PreparedScenario,
} from './run-strategy.js'
import type { Verdict } from './verifier.js'

const send = (message: ChildMessage): void => {
  process.send?.(message)
}

/** Progress messages at most this often: enough for projections, cheap for the strategy. */
const PROGRESS_EVERY_MS = 200

type DatabaseCost = NonNullable<RunRecord['databaseCost']>

interface Iteration {
  foreground?: TrafficStats[]
  counters: Counters
  verdict: Verdict
  signals: { sent: number; delivered: number }
  figures: Record<string, number>
  restore: RestoreResult
  error?: string
}

/** Tells the parent a session of the strategy's, so a timed-out run's statements can be ended. */
async function reportSession(server: DatabaseServer, conn: Connection, reset: boolean): Promise<void> {
  if (!server.dialect.sessionIdSql) return
  const { rows } = await conn.query(server.dialect.sessionIdSql)
  send({ type: 'session', id: Number(Object.values(rows[0] ?? {})[0]), reset })
}

async function runJob(job: ChildJob): Promise<void> {
  const server = await openServer(parseDatabaseSpec(job.db), { sqlite: job.sqlite })
  try {
    const scenario = await resolveScenario(job.scenario)
    const strategy = await new StrategyRegistry().resolve(job.strategy)
    const tables = scenarioTables(scenario, job.knobs)
    const plan = planDeletion(tables, scenario.target.table)
    const env = {
      scale: job.scale,
      referenceMs: Date.parse(scenario.referenceTime),
      counts: rowCounts(scenario, job.scale),
    }
    const prepared: PreparedScenario = {
      server,
      capabilities: job.capabilities,
      scenario,
      scale: job.scale,
      tables,
      plan,
      pristine: job.pristine,
      target: { where: scenario.target.where, params: scenario.target.params?.(env) ?? [] },
      expectation: job.expectation,
    }
    const reason = strategy.unsupported?.(server.dialect, job.capabilities, plan, { scenario, tables })
    if (reason) {
      send({ type: 'result', run: { status: 'unsupported', error: reason, iterations: 0 } })
      return
    }
    await iterate(job, server, prepared, strategy)
  } finally {
    await server.close()
  }
}

/** The traffic process of the iteration in progress, so a stop signal can end it first. */
let activeTraffic: RunningTraffic | undefined

async function iterate(
  job: ChildJob,
  server: DatabaseServer,
  prepared: PreparedScenario,
  strategy: { run(ctx: StrategyContext): Promise<void> },
): Promise<void> {
  const iterations: Iteration[] = []
  const stop = new AbortController()
  let conn: InstrumentedConnection | undefined
  let ctx: HarnessContext | undefined
  let restore: RestoreResult | undefined
  let error: string | undefined
  let peaks: MemoryPeaks = { peakRssBytes: 0, peakHeapBytes: 0 }
  /** CPU time of this process in each timed iteration: the client's own work (and SQLite's). */
  const cpuMs: number[] = []
  let traffic: RunningTraffic | undefined
  let cost: DatabaseCost | undefined
  let costBefore: { log: number | null; bytes: number } | undefined
  const costTables = [...new Set(prepared.plan.steps.map((s) => s.table))]
  const probe = server.dialect.cost
  const withTraffic = job.traffic && (prepared.scenario.traffic?.length ?? 0) > 0

  const bench = new Bench({
    iterations: job.iterations,
    time: 0,
    warmup: false,
    retainSamples: true,
    throws: true,
    signal: stop.signal,
  })
  bench.add(
    'strategy',
    async () => {
      const memory = sampleMemory()
      const cpu = process.cpuUsage()
      try {
        await strategy.run(ctx as StrategyContext)
      } catch (e) {
        error = redact(e instanceof Error ? e.message : String(e)).split('\n')[0]
      } finally {
        const used = process.cpuUsage(cpu)
        cpuMs.push((used.user + used.system) / 1000)
        const p = memory.stop()
        peaks = {
          peakRssBytes: Math.max(peaks.peakRssBytes, p.peakRssBytes),
          peakHeapBytes: Math.max(peaks.peakHeapBytes, p.peakHeapBytes),
        }
      }
    },
    {
      beforeEach: async () => {
        error = undefined
        restore = await restoreWorkingCopy(server, job.pristine, job.working, prepared.tables)
        conn = await server.openDatabase(job.working, job.logSql ? { logger: logToStderr } : {})
        await reportSession(server, conn, true)
        const started = performance.now()
        let last = 0
        const index = iterations.length
        ctx = strategyContext(prepared, conn, job.working, job.options, stop.signal, {
          onProgress: (rows) => {
            const now = performance.now()
            if (now - last < PROGRESS_EVERY_MS) return
            last = now
            send({ type: 'progress', iteration: index, rows, elapsedMs: now - started })
          },
          onConnection: (opened) => reportSession(server, opened, false),
          ...(job.logSql ? { logger: logToStderr } : {}),
        })
        if (!cost) {
          const c = await server.openDatabase(job.working)
          costBefore = await Promise.resolve()
            .then(async () => ({
              log: await probe.logBytes(c),
              bytes: await probe.tableBytes(c, costTables),
            }))
            .finally(() => c.close())
        }
        if (withTraffic) {
          traffic = activeTraffic = await startTraffic({
            db: job.db,
            sqlite: job.sqlite,
            scenario: job.scenario,
            scale: job.scale,
            seed: job.seed,
            working: job.working,
          })
        }
        conn.resetCounters()
        // The last verification read whole tables: its garbage is collected now, not on the clock.
        collectGarbage()
      },
      afterEach: async () => {
        const foreground = traffic ? await traffic.stop() : undefined
        traffic = undefined
        const used = conn as InstrumentedConnection
        const harness = ctx as HarnessContext
        await harness.closeConnections()
        const counters = used.counters()
        await used.close()
        const verdict = await verifyWorkingCopy(prepared, job.working, (ctx as StrategyContext).deletedAt)
        iterations.push({
          ...(foreground ? { foreground } : {}),
          counters,
          verdict,
          signals: harness.signals.counts(),
          figures: harness.figures(),
          restore: restore as RestoreResult,
          ...(error ? { error } : {}),
        })
        // What the first deletion cost the database: log written, space before, after, after reclaim.
        if (!cost && costBefore) {
          const c = await server.openDatabase(job.working)
          try {
            const log = await probe.logBytes(c)
            const after = await probe.tableBytes(c, costTables)
            const reclaim = probe.reclaimSql(costTables)
            const started = performance.now()
            for (const sql of reclaim) await c.query(sql)
            const reclaimSeconds = (performance.now() - started) / 1000
            cost = {
              logBytes: log === null || costBefore.log === null ? null : Math.max(0, log - costBefore.log),
              tableBytesBefore: costBefore.bytes,
              tableBytesAfter: after,
              tableBytesAfterReclaim: await probe.tableBytes(c, costTables),
              reclaimSeconds,
              reclaim: reclaim.join('; '),
              note: probe.note,
            }
          } finally {
            await c.close()
          }
        }
        // A failed or wrong iteration ends the run: repeating it measures nothing new.
        if (error || !iterations.at(-1)?.verdict.ok) stop.abort()
      },
    },
  )
  // A failure outside the strategy (the restore, the verification: a server gone, a file unwritable)
  // ends the bench; its message is the run's.
  let harnessError: string | undefined
  await bench.run().catch((e: unknown) => {
    harnessError = redact(e instanceof Error ? e.message : String(e)).split('\n')[0]
  })
  const first = iterations[0]
  if (!first) {
    send({ type: 'error', message: error ?? harnessError ?? 'no iteration completed' })
    return
  }
  const latency = bench.tasks[0]?.result
  const stats = latency && 'latency' in latency ? latency.latency : undefined
  const failed = iterations.find((i) => i.error)
  const wrong = iterations.find((i) => !i.verdict.ok)
  const status = failed ? 'failed' : wrong ? 'wrong-result' : 'ok'
  send({
    type: 'result',
    run: {
      status,
      ...(failed?.error
        ? { error: failed.error }
        : wrong
          ? { error: wrong.verdict.problems[0] ?? 'wrong result' }
          : {}),
      iterations: iterations.length,
      ...(stats && status === 'ok'
        ? {
            timing: {
              samples: [...(stats.samples ?? [])],
              min: stats.min,
              median: stats.p50,
              mean: stats.mean,
              max: stats.max,
              rme: Number.isFinite(stats.rme) ? stats.rme : 0,
            },
          }
        : {}),
      statements: first.counters.statements,
      roundTrips: first.counters.roundTrips,
      statementsStable: iterations.every(
        (i) => JSON.stringify(i.counters) === JSON.stringify(first.counters),
      ),
      rowsDeleted: first.verdict.rowsDeleted,
      clientCpuMs: cpuMs.slice(0, iterations.length).map((v) => Math.round(v * 10) / 10),
      memory: {
        ...peaks,
        note: server.dialect.memoryNote,
      },
      signals: first.signals,
      ...(Object.keys(first.figures).length > 0 ? { figures: first.figures } : {}),
      restore: { method: first.restore.method, seconds: iterations.map((i) => i.restore.seconds) },
      verification: { ok: (wrong ?? first).verdict.ok, problems: [...(wrong ?? first).verdict.problems] },
      ...(withTraffic ? { foreground: worstForeground(iterations) } : {}),
      ...(cost ? { databaseCost: cost } : {}),
    },
  })
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

function logToStderr(entry: { sql: string; ms: number }): void {
  process.stderr.write(redact(`[sql ${entry.ms.toFixed(2)} ms] ${entry.sql.replace(/\s+/g, ' ')}`) + '\n')
}

// If the parent is gone (killed, interrupted), nobody waits for this run: stop.
// Ctrl-C reaches the whole process group: the parent decides what stops, and tells its children.
process.on('SIGINT', () => {})
process.once('disconnect', () => process.exit(1))
// Stopped by the parent (budget spent, Ctrl-C): end the traffic process first, so nothing outlives the run.
process.once('SIGTERM', () => {
  void (activeTraffic?.kill() ?? Promise.resolve()).finally(() => process.exit(143))
})

process.once('message', (job: ChildJob) => {
  runJob(job)
    .catch((e: unknown) =>
      send({
        type: 'error',
        message: redact(e instanceof Error ? e.message : String(e)).split('\n')[0] ?? 'error',
      }),
    )
    .finally(() => {
      process.removeAllListeners('disconnect')
      process.disconnect?.()
    })
})
