import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import type { DatabaseSpec } from '../db/database-url.js'
import { DatabaseServer } from '../db/database-server.js'
import { PACKAGE_ROOT } from '../core/delbench-version.js'
import { bindPlaceholders } from '../db/placeholders.js'
import { planDeletion } from '../scenarios/deletion-plan.js'
import type { Scenario } from '../scenarios/scenario.js'
import { subqueryDeletionSql } from '../scenarios/target-sql.js'
import { rowCounts } from '../scenarios/row-counts.js'
import { scenarioTables } from '../scenarios/scenario-tables.js'
import { restoreWorkingCopy, type RestoreResult } from '../seeds/restore-working-copy.js'

const run = promisify(execFile)

/** One seeding measured in its own process (so its peak RSS is its own), then restored twice. */
export interface SeedMeasurement {
  readonly database: string
  readonly scenario: string
  readonly scale: number
  readonly rows: number
  readonly seconds: number
  readonly rowsPerSecond: number
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
  readonly seconds: number
  readonly rowsPerSecond: number
}

/** Seeds in a child `delbench seed --json --force` and reads its report. */
async function seedInChild(
  dbValue: string,
  scenario: string,
  scale: number,
  seed: number,
): Promise<{
  seededDatabase: string
  seconds: number
  rowsPerSecond: number
  memory: { maxRssBytes: number }
  tables: Record<string, { rows: number }>
}> {
  const bin = path.join(PACKAGE_ROOT, 'bin', 'delbench.js')
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
    ],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  )
  const [report] = JSON.parse(stdout) as [Awaited<ReturnType<typeof seedInChild>>]
  return report
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
  reference: string = scenario.name,
): Promise<SeedMeasurement> {
  const report = await seedInChild(dbValue, reference, scale, seed)
  const tables = scenarioTables(scenario)
  const working = DatabaseServer.uniqueName(`bench_${scenario.name}`)
  try {
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
      rowsPerSecond: report.rowsPerSecond,
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
): Promise<PgbenchMeasurement | undefined> {
  const loader = server.dialect.referenceLoader
  if (!loader || !('address' in spec) || !(await loader.available())) return undefined
  const name = DatabaseServer.uniqueName('pgbench')
  await server.createDatabase(name, 'pgbench -i reference load')
  try {
    const started = performance.now()
    const loaded = await loader.load(spec.address, name, rows)
    const seconds = (performance.now() - started) / 1000
    return { ...loaded, seconds, rowsPerSecond: Math.round(loaded.rows / seconds) }
  } finally {
    await server.dropDatabase(name)
  }
}
