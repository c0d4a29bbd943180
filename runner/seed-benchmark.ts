import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import type { DatabaseSpec } from '../db/database-url.js'
import { DatabaseServer } from '../db/database-server.js'
import { PACKAGE_ROOT } from '../core/delbench-version.js'
import { redact } from '../core/redact.js'
import { bindPlaceholders } from '../db/placeholders.js'
import { planDeletion } from '../scenarios/deletion-plan.js'
import type { Scenario } from '../scenarios/scenario.js'
import { subqueryDeletionSql } from '../scenarios/target-sql.js'
import { rowCounts } from '../scenarios/row-counts.js'
import { scenarioTables } from '../scenarios/scenario-tables.js'
import { restoreWorkingCopy, type RestoreResult } from '../seeds/restore-working-copy.js'
import { median } from './statistics.js'

const run = promisify(execFile)

/** One seeding measured in its own process (so its peak RSS is its own), then restored twice. */
export interface SeedMeasurement {
  readonly database: string
  readonly scenario: string
  readonly scale: number
  readonly rows: number
  /** The seeder's own clock. */
  readonly seconds: number
  /** The whole `delbench seed` command as a user runs it, start-up and exit included. */
  readonly wallSeconds: number
  readonly rowsPerSecond: number
  /** What the seeded tables (with their indexes) occupy on the server. */
  readonly bytes: number
  /** `bytes` over the seeder's clock: rows differ in width, bytes do not. */
  readonly bytesPerSecond: number
  readonly peakRssBytes: number
  /** The first copy of the seeded data (a full clone). */
  readonly firstRestore: RestoreResult
  /** Restoring that copy after the target and its dependents were deleted: what every iteration pays. */
  readonly restoreAfterDelete: RestoreResult
  readonly restoreToSeed: number
}

export interface PgbenchMeasurement {
  readonly scale: number
  readonly rows: number
  /** The whole `pgbench -i` command, on a database created before the clock started. */
  readonly seconds: number
  readonly rowsPerSecond: number
  /** What pgbench's tables (with their indexes) occupy on the server. */
  readonly bytes: number
  readonly bytesPerSecond: number
}

/**
 * Before each timed load, delbench's and the reference loader's alike, the server writes out what it
 * holds in memory: otherwise each load pays for the writes of the step before it (the other's dropped
 * database, a template clone), and the two do not follow the same steps. After a refusal it stops asking.
 */
export class WriteFlush {
  readonly #server: DatabaseServer
  #outcome: 'flushed' | 'none' | { refused: string } | undefined

  constructor(server: DatabaseServer) {
    this.#server = server
  }

  async beforeTiming(): Promise<void> {
    if (typeof this.#outcome === 'object') return
    try {
      this.#outcome = (await this.#server.flushWrites()) ? 'flushed' : 'none'
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      this.#outcome = { refused: redact(message).split('\n')[0] ?? '' }
    }
  }

  /** What was done before each timing, in a line. */
  get note(): string {
    const outcome = this.#outcome
    if (outcome === 'flushed') return "the server's pending writes were flushed before each timed load"
    if (outcome === 'none' || outcome === undefined)
      return 'no flush of pending writes was asked before each timed load (this database offers none)'
    return `the server refused to flush its pending writes (${outcome.refused}): each timed load may pay for the step before it`
  }
}

/** The measurement whose `key` figure is the median of several runs (the median run, not a mix of runs). */
export function medianRun<T>(runs: readonly T[], key: (run: T) => number): T {
  const middle = median(runs.map(key))
  const found =
    runs.find((r) => key(r) === middle) ?? [...runs].sort((a, b) => key(a) - key(b))[runs.length >> 1]
  if (found === undefined) throw new Error('no runs to take the median of')
  return found
}

/**
 * Seeds in a child `delbench seed --json --force --no-checksums` (the checksums are a read after
 * seeding, not part of it) and reads its report; `wallSeconds` is the child's whole life.
 */
async function seedInChild(
  dbValue: string,
  scenario: string,
  scale: number,
  seed: number,
): Promise<{
  seededDatabase: string
  seconds: number
  wallSeconds: number
  rowsPerSecond: number
  memory: { maxRssBytes: number }
  tables: Record<string, { rows: number }>
}> {
  const bin = path.join(PACKAGE_ROOT, 'bin', 'delbench.js')
  const started = performance.now()
  const { stdout } = await run(
    process.execPath,
    [
      bin,
      'seed',
      '--db',
      dbValue,
      '--scenario',
      scenario,
      '--scale',
      String(scale),
      '--seed',
      String(seed),
      '--force',
      '--json',
      '--no-checksums',
    ],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  )
  const wallSeconds = (performance.now() - started) / 1000
  const [report] = JSON.parse(stdout) as [Omit<Awaited<ReturnType<typeof seedInChild>>, 'wallSeconds'>]
  return { ...report, wallSeconds }
}

/** Bytes the tables of one of delbench's own databases occupy, with their indexes. */
async function tableBytes(
  server: DatabaseServer,
  database: string,
  tables: readonly string[],
): Promise<number> {
  const conn = await server.openDatabase(database)
  try {
    return await server.dialect.cost.tableBytes(conn, tables)
  } finally {
    await conn.close()
  }
}

/** Seeds one scenario at one scale, then measures restoring a working copy before and after a deletion. */
export async function measureSeeding(
  server: DatabaseServer,
  dbValue: string,
  display: string,
  scenario: Scenario,
  scale: number,
  seed: number,
  /** How the child process finds the scenario: its name, or its file's path. */
  reference: string,
  flush: WriteFlush,
): Promise<SeedMeasurement> {
  await flush.beforeTiming()
  const report = await seedInChild(dbValue, reference, scale, seed)
  const tables = scenarioTables(scenario)
  const working = DatabaseServer.uniqueName(`bench_${scenario.name}`)
  try {
    const bytes = await tableBytes(
      server,
      report.seededDatabase,
      tables.map((t) => t.name),
    )
    const firstRestore = await restoreWorkingCopy(server, report.seededDatabase, working, tables)
    const conn = await server.openDatabase(working)
    try {
      const env = {
        scale,
        referenceMs: Date.parse(scenario.referenceTime),
        counts: rowCounts(scenario, scale),
      }
      const plan = planDeletion(tables, scenario.target.table)
      await conn.transaction(async (tx) => {
        for (const statement of subqueryDeletionSql(
          plan,
          scenario.target.where,
          scenario.target.params?.(env) ?? [],
        )) {
          await tx.query(bindPlaceholders(statement.sql, server.dialect.adapter), statement.params)
        }
      })
    } finally {
      await conn.close()
    }
    const restoreAfterDelete = await restoreWorkingCopy(server, report.seededDatabase, working, tables)
    const rows = Object.values(report.tables).reduce((a, t) => a + t.rows, 0)
    return {
      database: display,
      scenario: scenario.name,
      scale,
      rows,
      seconds: report.seconds,
      wallSeconds: report.wallSeconds,
      rowsPerSecond: report.rowsPerSecond,
      bytes,
      bytesPerSecond: Math.round(bytes / report.seconds),
      peakRssBytes: report.memory.maxRssBytes,
      firstRestore,
      restoreAfterDelete,
      restoreToSeed: restoreAfterDelete.seconds / report.seconds,
    }
  } finally {
    await server.dropDatabase(working).catch(() => {})
    await server.dropDatabase(report.seededDatabase).catch(() => {})
  }
}

/**
 * The product's own loader (`pgbench -i` for PostgreSQL) for about the same number of rows, in a marked
 * database of delbench's own: the reference rate for seeding. Undefined where the dialect has no such
 * loader, it is not installed, or the server is not one delbench was given an address for.
 */
export async function measurePgbench(
  server: DatabaseServer,
  spec: DatabaseSpec,
  rows: number,
  flush: WriteFlush,
): Promise<PgbenchMeasurement | undefined> {
  const loader = server.dialect.referenceLoader
  if (!loader || !('address' in spec) || !(await loader.available())) return undefined
  const name = DatabaseServer.uniqueName('pgbench')
  await server.createDatabase(name, 'pgbench -i reference load')
  try {
    await flush.beforeTiming()
    const started = performance.now()
    const loaded = await loader.load(spec.address, name, rows)
    const seconds = (performance.now() - started) / 1000
    const bytes = await tableBytes(server, name, loader.tables)
    return {
      ...loaded,
      seconds,
      rowsPerSecond: Math.round(loaded.rows / seconds),
      bytes,
      bytesPerSecond: Math.round(bytes / seconds),
    }
  } finally {
    await server.dropDatabase(name)
  }
}
