import { Command } from 'commander'
import { COMMAND_DESCRIPTIONS } from '../command-index.js'
import type { DatabaseServer } from '../../db/database-server.js'
import type { Scenario } from '../../scenarios/scenario.js'
import type { SchemaKnobs } from '../../scenarios/scenario-tables.js'
import type { TableChecksum } from '../../seeds/checksum.js'
import { addDatabaseOptions, databaseSelection, type DatabaseFlags } from '../database-options.js'
import type { MemoryPeaks } from '../../runner/memory-sampler.js'
import { err, out } from '../output.js'
import { addScenarioOptions, scenarioSelection, type ScenarioFlags } from '../scenario-options.js'

interface SeedReport {
  readonly database: string
  readonly scenario: string
  readonly scale: number
  readonly seed: number
  readonly seededDatabase: string
  readonly reused: boolean
  readonly totalRows: number
  readonly seconds: number
  readonly rowsPerSecond: number | null
  /** Peak RSS and heap of this process while seeding (client side: the server's memory is its own). */
  readonly memory: MemoryPeaks & { readonly maxRssBytes: number }
  readonly tables: Record<string, TableChecksum>
}

export function seedCommand(): Command {
  const command = new Command('seed')
    .description(COMMAND_DESCRIPTIONS['seed'])
    .option(
      '--json',
      'print each table’s row count and content checksum as JSON (identical across databases)',
    )
    .option('--force', 'seed again even if an identical seeded database exists')
    .option('--no-checksums', 'with --json, give row counts only: no read of every row after seeding')
  addScenarioOptions(command, '1')
  return addDatabaseOptions(command).action(async (flags: SeedFlags) => {
    const { specs, open } = databaseSelection(flags)
    const selection = await scenarioSelection(flags, { withoutTarget: true })
    // Loaded once the flags are checked: `delbench seed --help` and its errors need none of it.
    const { openServer } = await import('../../db/open-server.js')
    const reports: SeedReport[] = []
    for (const spec of specs) {
      const server = await openServer(spec, open)
      try {
        for (const knobs of selection.knobs)
          for (const scenario of selection.scenarios) {
            const report = await seedOne(server, spec.display, { ...selection, scenario, knobs }, flags)
            reports.push(report)
            if (!flags.json) printReport(report)
          }
      } finally {
        await server.close()
      }
    }
    if (flags.json) out(JSON.stringify(reports, null, 2))
  })
}

type SeedFlags = Partial<DatabaseFlags> &
  ScenarioFlags & { json?: boolean; force?: boolean; checksums?: boolean }

/** Seeds (or reuses) one scenario with one set of knobs on one server, and measures it. */
async function seedOne(
  server: DatabaseServer,
  database: string,
  what: { scenario: Scenario; knobs: SchemaKnobs; scale: number; seed: number; diskCheck: boolean },
  flags: SeedFlags,
): Promise<SeedReport> {
  const [{ seedScenario }, { tableChecksums }, { rowProgress, seedUpdate }, { sampleMemory }] =
    await Promise.all([
      import('../../seeds/seeder.js'),
      import('../../seeds/checksum.js'),
      import('../progress.js'),
      import('../../runner/memory-sampler.js'),
    ])
  const [{ scenarioLabel }, { scenarioTables }] = await Promise.all([
    import('../../scenarios/registry.js'),
    import('../../scenarios/scenario-tables.js'),
  ])
  const { scenario, knobs, scale, seed } = what
  const label = `${scenarioLabel(scenario)} on ${database}`
  const progress = rowProgress(`seeding ${label}`, flags.json)
  const memory = sampleMemory()
  const result = await seedScenario(
    server,
    { scenario, scale, seed, knobs },
    (p) => progress.update(seedUpdate(p)),
    {
      force: flags.force ?? false,
      onWait: () => err(`waiting for another delbench process seeding ${label}`),
      diskCheck: what.diskCheck,
    },
  ).finally(() => progress.stop())
  const peaks = memory.stop()
  let tables: Record<string, TableChecksum> = Object.fromEntries(
    Object.entries(result.counts).map(([name, rows]) => [name, { rows, checksum: '' }]),
  )
  if (flags.json && flags.checksums !== false) {
    const conn = await server.openDatabase(result.database)
    tables = await tableChecksums(conn, server.dialect.adapter, scenarioTables(scenario, knobs)).finally(() =>
      conn.close(),
    )
  }
  return {
    database,
    scenario: scenarioLabel(scenario),
    scale,
    seed,
    seededDatabase: result.database,
    reused: result.reused,
    totalRows: result.totalRows,
    seconds: Number(result.seconds.toFixed(3)),
    rowsPerSecond: result.reused ? null : Math.round(result.totalRows / result.seconds),
    memory: { ...peaks, maxRssBytes: process.resourceUsage().maxRSS * 1024 },
    tables,
  }
}

function printReport(report: SeedReport): void {
  const how = report.reused
    ? 'already seeded (reused)'
    : `seeded in ${report.seconds.toFixed(1)} s (${report.rowsPerSecond?.toLocaleString('en-US')} rows/s)`
  out(
    `${report.scenario} on ${report.database}: ${report.totalRows.toLocaleString('en-US')} rows ${how} → ${report.seededDatabase}`,
  )
  for (const [name, t] of Object.entries(report.tables))
    out(`  ${name.padEnd(28)} ${t.rows.toLocaleString('en-US').padStart(12)} rows`)
}
