import { fork } from 'node:child_process'
import type { Capabilities } from '../db/dialect.js'
import { DatabaseServer } from '../db/database-server.js'
import { bindPlaceholders } from '../db/placeholders.js'
import type { CellValue } from '../core/table-spec.js'
import { bookstore } from '../scenarios/builtins/bookstore.js'
import { rowCounts } from '../scenarios/row-counts.js'
import { scenarioTables } from '../scenarios/scenario-tables.js'
import { seedScenario } from '../seeds/seeder.js'
import { placeholders } from '../core/sql-lists.js'
import { prepareScenario } from './run-strategy.js'
import { runInChild } from './spawn-child.js'
import { median, pairedRatio } from './statistics.js'

export interface OverheadMeasurement {
  readonly runnerMedianMs: number
  readonly rawMedianMs: number
  /** The paired ratio runner / raw (geometric mean), minus one, in percent. */
  readonly overheadPercent: number
  /** Its 95% confidence interval, in percent: the overhead is shown to be below `high`. */
  readonly interval: { readonly low: number; readonly high: number }
  /**
   * Median client CPU time per iteration (user + system, every thread of the process: V8's collector
   * threads included) of the runner's child and of the plain script: where the harness's time goes.
   */
  readonly runnerCpuMs: number
  readonly rawCpuMs: number
  readonly iterations: number
}

/**
 * The harness's own cost: `batched` on bookstore timed through the runner (child process, tinybench,
 * instrumented connection) against the same statements sent by a plain script on the driver session,
 * on identical fresh copies. Each sample is the median of `perProcess` iterations in one fresh process
 * of either kind; runner and script processes alternate, so drift in the machine falls on both.
 */
export async function measureOverhead(
  server: DatabaseServer,
  dbValue: string,
  scale: number,
  iterations: number,
  /** Iterations inside each process (its median is the sample): later ones run warm, as a user's do. */
  perProcess = 5,
): Promise<OverheadMeasurement> {
  const setup = await overheadSetup(server, dbValue, scale, perProcess)
  const runnerOnce = await runnerIteration(setup)
  const working = DatabaseServer.uniqueName('overhead_raw')
  const rawOnce = rawIteration(setup, working)
  try {
    const [runner, raw] = await alternated(iterations, runnerOnce, rawOnce)
    return compare(runner, raw, iterations)
  } finally {
    await server.dropDatabase(working).catch(() => {})
  }
}

/**
 * `iterations` samples of each kind, alternated in pairs with the order flipped every pair, so drift
 * in the machine's speed falls on both.
 */
async function alternated(
  iterations: number,
  a: () => Promise<IterationCost>,
  b: () => Promise<IterationCost>,
): Promise<[IterationCost[], IterationCost[]]> {
  const first: IterationCost[] = []
  const second: IterationCost[] = []
  for (let i = 0; i < iterations; i++) {
    if (i % 2 === 0) {
      first.push(await a())
      second.push(await b())
    } else {
      second.push(await b())
      first.push(await a())
    }
  }
  return [first, second]
}

/**
 * What the statement profile and the work counters cost (plans are made outside the timed window):
 * `strategy` on bookstore timed through the runner with them and without, in alternating fresh
 * processes, compared as the harness's overhead is. per-row, a statement per target row, is where the
 * profile's per-statement work weighs most.
 */
export async function measureInstrumentCost(
  server: DatabaseServer,
  dbValue: string,
  scale: number,
  iterations: number,
  strategy: string,
  perProcess = 5,
): Promise<OverheadMeasurement> {
  const setup = await overheadSetup(server, dbValue, scale, perProcess)
  const withIt = await runnerIteration(setup, { strategy, instrument: true })
  const without = await runnerIteration(setup, { strategy, instrument: false })
  const [on, off] = await alternated(iterations, withIt, without)
  return compare(on, off, iterations)
}

/** What both kinds of iteration share: the server, the seeded bookstore, the iterations per process. */
interface OverheadSetup {
  readonly server: DatabaseServer
  readonly dbValue: string
  readonly scale: number
  readonly perProcess: number
  /** The seeded database every iteration restores from. */
  readonly pristine: string
  readonly capabilities: Capabilities
}

/** What the runner's iterations run: a built-in strategy, with or without the profile and counters. */
interface RunnerChoice {
  readonly strategy: string
  /** `false`: no statement profile, work counters or plans. */
  readonly instrument: boolean
}

/** The seeded bookstore (seed 42) both kinds of iteration restore from. */
async function overheadSetup(
  server: DatabaseServer,
  dbValue: string,
  scale: number,
  perProcess: number,
): Promise<OverheadSetup> {
  const { capabilities } = await server.describe()
  const seeded = await seedScenario(server, { scenario: bookstore, scale, seed: 42 })
  return { server, dbValue, scale, perProcess, pristine: seeded.database, capabilities }
}

/** One timed iteration through the runner: child process, tinybench, instrumented connection. */
async function runnerIteration(
  setup: OverheadSetup,
  choice: RunnerChoice = { strategy: 'batched', instrument: true },
): Promise<() => Promise<IterationCost>> {
  const { server, scale, capabilities, pristine } = setup
  const tables = scenarioTables(bookstore)
  const prepared = await prepareScenario(server, capabilities, bookstore, scale, tables, pristine)
  return async () => {
    const outcome = await runInChild(
      server,
      {
        db: setup.dbValue,
        sqlite: {},
        logSql: false,
        scenario: 'bookstore',
        strategy: choice.strategy,
        knobs: {},
        scale,
        seed: 42,
        options: { batchSize: 1000, sleepMs: 0, workers: 2, chunkTimeMs: 500 },
        policy: { kind: 'exact', iterations: setup.perProcess },
        budgetMs: 600_000,
        capabilities,
        pristine,
        working: DatabaseServer.uniqueName('overhead_runner'),
        expectation: prepared.expectation,
        traffic: false,
        instrument: choice.instrument,
      },
      { budgetMs: 600_000, rowsExpected: 0 },
    )
    if (outcome.kind !== 'result' || !outcome.run.timing)
      throw new Error(`the runner's ${choice.strategy} run did not complete: ${JSON.stringify(outcome)}`)
    return { ms: outcome.run.timing.median, cpuMs: median(outcome.run.clientCpuMs ?? []) }
  }
}

/** The same statements in a fresh "plain script" process on the bare driver, timed the same way. */
function rawIteration(setup: OverheadSetup, working: string): () => Promise<IterationCost> {
  const { scale } = setup
  const env = { scale, referenceMs: Date.parse(bookstore.referenceTime), counts: rowCounts(bookstore, scale) }
  const params = bookstore.target.params?.(env) ?? []
  return async () => {
    const child = fork(new URL('./bare-batched.js', import.meta.url), [], {
      execArgv: [...process.execArgv, '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    type Reply = Partial<IterationCost> & { error?: string }
    const reply = await new Promise<Reply>((resolve) => {
      child.once('message', (m: Reply) => resolve(m))
      child.once('exit', () => resolve({ error: 'the plain script ended without an answer' }))
      child.send({
        db: setup.dbValue,
        pristine: setup.pristine,
        working,
        params,
        iterations: setup.perProcess,
      } satisfies BareJob)
    })
    if (reply.ms === undefined || reply.cpuMs === undefined) throw new Error(`plain script: ${reply.error}`)
    return { ms: reply.ms, cpuMs: reply.cpuMs }
  }
}

/** The paired comparison of the runner's iterations with the plain script's. */
function compare(
  runner: readonly IterationCost[],
  raw: readonly IterationCost[],
  iterations: number,
): OverheadMeasurement {
  const wall = (costs: readonly IterationCost[]) => costs.map((c) => c.ms)
  const ratio = pairedRatio(wall(runner), wall(raw))
  return {
    runnerMedianMs: median(wall(runner)),
    rawMedianMs: median(wall(raw)),
    overheadPercent: 100 * (ratio.ratio - 1),
    interval: { low: 100 * (ratio.low - 1), high: 100 * (ratio.high - 1) },
    runnerCpuMs: median(runner.map((c) => c.cpuMs)),
    rawCpuMs: median(raw.map((c) => c.cpuMs)),
    iterations,
  }
}

/** What the plain-script process is given. */
export interface BareJob {
  readonly db: string
  readonly pristine: string
  readonly working: string
  readonly params: readonly CellValue[]
  readonly iterations: number
}

/** Wall time of one iteration and the CPU time its process spent in it, in milliseconds. */
export interface IterationCost {
  readonly ms: number
  readonly cpuMs: number
}

/** batched's statements for bookstore's target, straight on the driver session. */
export async function bareBatchedOnce(
  server: DatabaseServer,
  working: string,
  params: readonly CellValue[],
): Promise<IterationCost> {
  const { adapter, advisoryLockSql: lock } = server.dialect
  const select = bindPlaceholders(
    `SELECT id FROM books WHERE (${bookstore.target.where}) AND id > ? ORDER BY id LIMIT 1000`,
    adapter,
  )
  const first = bindPlaceholders(
    `SELECT id FROM books WHERE (${bookstore.target.where}) ORDER BY id LIMIT 1000`,
    adapter,
  )
  // The runner's single-runner lock, where the server holds it (a lock file costs no statement).
  const session = await server.openDriverSession(working)
  try {
    const cpu = process.cpuUsage()
    const started = performance.now()
    if (lock) await session.execute(lock.take, ['overhead'])
    let last: CellValue | undefined
    for (;;) {
      const { rows } = await session.execute(
        last === undefined ? first : select,
        last === undefined ? params : [...params, last],
      )
      if (rows.length === 0) break
      const keys = rows.map((r) => r.id as CellValue)
      await session.execute('BEGIN', [])
      await session.execute(
        bindPlaceholders(`DELETE FROM books WHERE id IN (${placeholders(keys.length)})`, adapter),
        keys,
      )
      await session.execute('COMMIT', [])
      last = keys[keys.length - 1]
    }
    if (lock) await session.execute(lock.release, ['overhead'])
    const ms = performance.now() - started
    const used = process.cpuUsage(cpu)
    return { ms, cpuMs: (used.user + used.system) / 1000 }
  } finally {
    await session.close()
  }
}
