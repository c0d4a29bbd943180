/**
 * The child process that runs one strategy on one scenario and database for N iterations, so its
 * memory and garbage never pollute the next run. The parent sends a ChildJob over IPC; the child
 * answers with progress, its session id and, last, the run's result. The iterations themselves are
 * `runIterations`, the code the strategy tests drive too: this file is only the IPC around them.
 */
import { parseDatabaseSpec } from '../db/database-url.js'
import type { Connection } from '../db/connection.js'
import type { DatabaseServer } from '../db/database-server.js'
import { openServer } from '../db/open-server.js'
import { redact } from '../core/redact.js'
import { resolveScenario } from '../scenarios/registry.js'
import { scenarioTables } from '../scenarios/scenario-tables.js'
import { StrategyRegistry } from '../strategies/registry.js'
import type { Strategy } from '../strategies/strategy.js'
import type { ChildJob, ChildMessage } from './child-protocol.js'
import { errorLine } from './error-line.js'
import type { TrafficProcess } from './foreground-traffic.js'
import { stopDetail } from './iteration-policy.js'
import { runIterations, type IterationHooks } from './run-iterations.js'
import { runRecordOf } from './run-record.js'
import { closeReplicas } from './replication-monitor.js'
import { openReplicas } from './replicas.js'
import { plannedTarget, unsupportedReason, type PreparedScenario } from './run-strategy.js'
import type { TrafficJob } from './traffic-protocol.js'

const send = (message: ChildMessage): void => {
  process.send?.(message)
}

/** Progress messages at most this often: enough for projections, cheap for the strategy. */
const PROGRESS_EVERY_MS = 200

/** The run's traffic process, so a stop signal can end it first. */
let activeTraffic: TrafficProcess | undefined

async function runJob(job: ChildJob): Promise<void> {
  const server = await openServer(parseDatabaseSpec(job.db), { sqlite: job.sqlite })
  try {
    const scenario = await resolveScenario(job.scenario)
    const strategy = await new StrategyRegistry().resolve(job.strategy)
    const tables = scenarioTables(scenario, job.knobs)
    const prepared: PreparedScenario = {
      server,
      capabilities: job.capabilities,
      scenario,
      scale: job.scale,
      tables,
      ...plannedTarget(scenario, job.scale, tables),
      pristine: job.pristine,
      expectation: job.expectation,
    }
    const reason = unsupportedReason(prepared, strategy, job.replicas?.length ?? 0)
    if (reason) {
      send({ type: 'result', run: { status: 'unsupported', error: reason, iterations: 0 } })
      return
    }
    send(await iterate(job, prepared, strategy))
  } finally {
    await server.close()
  }
}

/** The job's iterations, with their progress, sessions and traffic passed on to the parent. */
async function iterate(job: ChildJob, prepared: PreparedScenario, strategy: Strategy): Promise<ChildMessage> {
  const { server } = prepared
  const withTraffic = job.traffic && (prepared.scenario.traffic?.length ?? 0) > 0
  const replicas = await openReplicas(parseDatabaseSpec(job.db), job.replicas ?? [])
  const outcome = await runIterations(
    {
      prepared,
      strategy,
      options: job.options,
      working: job.working,
      policy: job.policy,
      budgetMs: job.budgetMs,
      startedAt: performance.now() - job.usedMs,
      ...(job.logSql ? { logger: logToStderr } : {}),
      ...(withTraffic ? { traffic: trafficJob(job) } : {}),
      ...(replicas.length > 0 ? { replicas } : {}),
      ...(job.instrument === false ? { instrument: false } : {}),
    },
    {
      progress: progressSender(),
      iteration: (iteration, sampleMs, figures) => send({ type: 'iteration', iteration, sampleMs, figures }),
      connection: (conn, first) => reportSession(server, conn, first),
      traffic: (running) => (activeTraffic = running),
      profile: (profile, memory) => send({ type: 'profile', profile, memory }),
    },
  ).finally(() => closeReplicas(replicas))
  const [first, ...rest] = outcome.iterations
  if (!first)
    return { type: 'error', message: outcome.error ?? outcome.harnessError ?? 'no iteration completed' }
  return {
    type: 'result',
    run: runRecordOf([first, ...rest], outcome, server.dialect.memoryNote, withTraffic, {
      reason: outcome.stopReason,
      detail: stopDetail(outcome.stopReason, job.policy, outcome.samples, job.budgetMs),
    }),
  }
}

/** What the traffic process needs to run the scenario's traffic for the run. */
function trafficJob(job: ChildJob): TrafficJob {
  const { db, sqlite, scenario, scale, seed } = job
  return { db, sqlite, scenario, scale, seed }
}

/** Sends each iteration's progress, at most every PROGRESS_EVERY_MS. */
function progressSender(): NonNullable<IterationHooks['progress']> {
  let last = { iteration: -1, at: 0 }
  return (iteration, rows, elapsedMs, memory) => {
    const now = performance.now()
    if (iteration === last.iteration && now - last.at < PROGRESS_EVERY_MS) return
    last = { iteration, at: now }
    send({ type: 'progress', iteration, rows, elapsedMs, memory })
  }
}

/** Tells the parent a session of the strategy's, so a timed-out run's statements can be ended. */
async function reportSession(server: DatabaseServer, conn: Connection, reset: boolean): Promise<void> {
  if (!server.dialect.sessionIdSql) return
  const { rows } = await conn.query(server.dialect.sessionIdSql)
  send({ type: 'session', id: Number(Object.values(rows[0] ?? {})[0]), reset })
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
    .catch((e: unknown) => send({ type: 'error', message: errorLine(e) }))
    .finally(() => {
      process.removeAllListeners('disconnect')
      process.disconnect?.()
    })
})
