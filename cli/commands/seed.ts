import { Command } from 'commander'
import { openServer } from '../../db/open-server.js'
import { scenarioLabel } from '../../scenarios/registry.js'
import { tableChecksums, type TableChecksum } from '../../seeds/checksum.js'
import { scenarioTables } from '../../scenarios/scenario-tables.js'
import { seedScenario } from '../../seeds/seeder.js'
import { addDatabaseOptions, databaseSelection, type DatabaseFlags } from '../database-options.js'
import { sampleMemory, type MemoryPeaks } from '../../runner/memory-sampler.js'
import { err, out } from '../output.js'
import { rowProgress, seedUpdate } from '../progress.js'
import { addScenarioOptions, scenarioSelection, type ScenarioFlags } from '../scenario-options.js'

interface SeedReport {
  readonly database: string
  readonly scenario: string
  readonly scale: number
  readonly seed: number
  readonly seededDatabase: string
  readonly reused: boolean
  readonly seconds: number
  readonly rowsPerSecond: number | null
  /** Peak RSS and heap of this process while seeding (client side: the server's memory is its own). */
  readonly memory: MemoryPeaks & { readonly maxRssBytes: number }
  readonly tables: Record<string, TableChecksum>
}

export function seedCommand(): Command {
  const command = new Command('seed')
    .description(
      'seed scenarios into delbench databases (reused by later runs), verify row counts, and report them',
    )
    .option(
      '--json',
      'print each table’s row count and content checksum as JSON (identical across databases)',
    )
    .option('--force', 'seed again even if an identical seeded database exists')
  addScenarioOptions(command, '1')
  return addDatabaseOptions(command).action(
    async (flags: Partial<DatabaseFlags> & ScenarioFlags & { json?: boolean; force?: boolean }) => {
      const { specs, open } = databaseSelection(flags)
      const { scenarios, scale, seed, knobs, diskCheck } = await scenarioSelection(flags)
      const reports: SeedReport[] = []
      for (const spec of specs) {
        const server = await openServer(spec, open)
        try {
          for (const knobSet of knobs)
            for (const scenario of scenarios) {
              const label = `${scenarioLabel(scenario)} on ${spec.display}`
              const progress = rowProgress(`seeding ${label}`, flags.json)
              const memory = sampleMemory()
              const result = await seedScenario(
                server,
                { scenario, scale, seed, knobs: knobSet },
                (p) => progress.update(seedUpdate(p)),
                {
                  force: flags.force ?? false,
                  onWait: () => err(`waiting for another delbench process seeding ${label}`),
                  diskCheck,
                },
              ).finally(() => progress.stop())
              const peaks = memory.stop()
              let tables: Record<string, TableChecksum> = Object.fromEntries(
                Object.entries(result.counts).map(([name, rows]) => [name, { rows, checksum: '' }]),
              )
              if (flags.json) {
                const conn = await server.openDatabase(result.database)
                tables = await tableChecksums(
                  conn,
                  server.dialect.adapter,
                  scenarioTables(scenario, knobSet),
                ).finally(() => conn.close())
              }
              const report: SeedReport = {
                database: spec.display,
                scenario: scenarioLabel(scenario),
                scale,
                seed,
                seededDatabase: result.database,
                reused: result.reused,
                seconds: Number(result.seconds.toFixed(3)),
                rowsPerSecond: result.reused ? null : Math.round(result.totalRows / result.seconds),
                memory: { ...peaks, maxRssBytes: process.resourceUsage().maxRSS * 1024 },
                tables,
              }
              reports.push(report)
              if (!flags.json) {
                const how = result.reused
                  ? 'already seeded (reused)'
                  : `seeded in ${result.seconds.toFixed(1)} s (${report.rowsPerSecond?.toLocaleString('en-US')} rows/s)`
                out(`${label}: ${result.totalRows.toLocaleString('en-US')} rows ${how} → ${result.database}`)
                for (const [name, t] of Object.entries(tables))
                  out(`  ${name.padEnd(28)} ${t.rows.toLocaleString('en-US').padStart(12)} rows`)
              }
            }
        } finally {
          await server.close()
        }
      }
      if (flags.json) out(JSON.stringify(reports, null, 2))
    },
  )
}
