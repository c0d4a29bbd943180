import { Command } from 'commander'
import { COMMAND_DESCRIPTIONS } from '../command-index.js'
import { DelbenchError } from '../../core/errors.js'
import { addDatabaseOptions, databaseSelection, type DatabaseFlags } from '../database-options.js'
import { out } from '../output.js'

export function benchOverheadCommand(): Command {
  const command = new Command('bench-overhead')
    .description(COMMAND_DESCRIPTIONS['bench-overhead'])
    .option('--scale <factor>', 'bookstore scale', '1')
    .option('--iterations <n>', 'pairs of processes (runner, plain script), alternating', '5')
    .option(
      '--profile-cost <strategy>',
      'measure instead what the statement profile and work counters cost: the runner with them against without, on this built-in strategy (per-row: a statement per row)',
    )
  return addDatabaseOptions(command).action(
    async (flags: Partial<DatabaseFlags> & { scale: string; iterations: string; profileCost?: string }) => {
      const scale = Number(flags.scale)
      const iterations = Number(flags.iterations)
      if (!(scale > 0) || !Number.isInteger(iterations) || iterations < 1)
        throw new DelbenchError('--scale must be positive and --iterations a whole number of at least 1')
      const { values, specs, open } = databaseSelection(flags)
      const [{ openServer }, { measureOverhead, measureInstrumentCost }] = await Promise.all([
        import('../../db/open-server.js'),
        import('../../runner/overhead-benchmark.js'),
      ])
      for (const [i, spec] of specs.entries()) {
        const server = await openServer(spec, open)
        try {
          if (flags.profileCost !== undefined) {
            const strategy = flags.profileCost
            const c = await measureInstrumentCost(server, values[i] as string, scale, iterations, strategy)
            out(
              `${spec.display} ${strategy} on bookstore ×${scale}, ${c.iterations} alternating pairs of processes (median of 5 iterations each): ` +
                `with profile and work counters ${c.runnerMedianMs.toFixed(1)} ms, without ${c.rawMedianMs.toFixed(1)} ms, ` +
                `their cost ${c.overheadPercent.toFixed(1)}% (95% CI ${c.interval.low.toFixed(1)}% to ${c.interval.high.toFixed(1)}%); ` +
                `client CPU per iteration ${c.runnerCpuMs.toFixed(1)} vs ${c.rawCpuMs.toFixed(1)} ms`,
            )
            continue
          }
          const m = await measureOverhead(server, values[i] as string, scale, iterations)
          out(
            `${spec.display} batched on bookstore ×${scale}, ${m.iterations} alternating pairs of processes (median of 5 iterations each): runner ${m.runnerMedianMs.toFixed(1)} ms, ` +
              `bare driver ${m.rawMedianMs.toFixed(1)} ms, overhead ${m.overheadPercent.toFixed(1)}% (95% CI ${m.interval.low.toFixed(1)}% to ${m.interval.high.toFixed(1)}%); ` +
              `client CPU per iteration ${m.runnerCpuMs.toFixed(1)} vs ${m.rawCpuMs.toFixed(1)} ms`,
          )
        } finally {
          await server.close()
        }
      }
    },
  )
}
