import { Command } from 'commander'
import { COMMAND_DESCRIPTIONS } from '../command-index.js'
import { DelbenchError } from '../../core/errors.js'
import type { PgbenchMeasurement, SeedMeasurement } from '../../runner/seed-benchmark.js'
import { addDatabaseOptions, databaseSelection, type DatabaseFlags } from '../database-options.js'
import { out } from '../output.js'

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`
const num = (n: number) => Math.round(n).toLocaleString('en-US')

export function benchSeedCommand(): Command {
  const command = new Command('bench-seed')
    .description(COMMAND_DESCRIPTIONS['bench-seed'])
    .option('--scenario <names>', 'comma list of scenarios', 'job-history,error-log')
    .option('--scales <list>', 'comma list of scales', '1')
    .option('--seed <integer>', 'generator seed', '42')
    .option('--json', 'print the measurements as JSON')
  return addDatabaseOptions(command).action(
    async (
      flags: Partial<DatabaseFlags> & { scenario: string; scales: string; seed: string; json?: boolean },
    ) => {
      const { values, specs, open } = databaseSelection(flags)
      const scales = flags.scales.split(',').map(Number)
      if (scales.some((s) => !(s > 0)))
        throw new DelbenchError(`--scales must be positive numbers, not '${flags.scales}'`)
      const references = flags.scenario.split(',')
      const { resolveScenario } = await import('../../scenarios/registry.js')
      const scenarios = await Promise.all(references.map((r) => resolveScenario(r)))
      const [{ openServer }, { measurePgbench, measureSeeding }] = await Promise.all([
        import('../../db/open-server.js'),
        import('../../runner/seed-benchmark.js'),
      ])
      const seedMeasurements: SeedMeasurement[] = []
      const pgbench: (PgbenchMeasurement & { database: string; comparedWith: string; ratio: number })[] = []
      for (const [i, spec] of specs.entries()) {
        const server = await openServer(spec, open)
        try {
          for (const [s, scenario] of scenarios.entries()) {
            for (const scale of scales) {
              const m = await measureSeeding(
                server,
                values[i] as string,
                spec.display,
                scenario,
                scale,
                Number(flags.seed),
                references[s],
              )
              seedMeasurements.push(m)
              if (!flags.json) {
                out(
                  `${m.database} ${m.scenario} ×${m.scale}: ${num(m.rows)} rows in ${m.seconds.toFixed(2)} s = ${num(m.rowsPerSecond)} rows/s, ` +
                    `peak RSS ${mb(m.peakRssBytes)}; restore ${m.firstRestore.seconds.toFixed(2)} s (${m.firstRestore.method}), ` +
                    `after delete ${m.restoreAfterDelete.seconds.toFixed(2)} s (${m.restoreAfterDelete.method}) = ${(100 * m.restoreToSeed).toFixed(0)}% of seeding`,
                )
              }
              const reference = await measurePgbench(server, spec, m.rows)
              if (reference) {
                const row = {
                  ...reference,
                  database: spec.display,
                  comparedWith: `${m.scenario} ×${m.scale}`,
                  ratio: m.rowsPerSecond / reference.rowsPerSecond,
                }
                pgbench.push(row)
                if (!flags.json) {
                  out(
                    `${spec.display} pgbench -i -s ${reference.scale}: ${num(reference.rows)} rows in ${reference.seconds.toFixed(2)} s = ${num(reference.rowsPerSecond)} rows/s; ` +
                      `delbench ${m.scenario} ×${m.scale} / pgbench = ${row.ratio.toFixed(2)}×`,
                  )
                }
              }
            }
          }
        } finally {
          await server.close()
        }
      }
      if (flags.json) out(JSON.stringify({ seeding: seedMeasurements, pgbench }, null, 2))
    },
  )
}
