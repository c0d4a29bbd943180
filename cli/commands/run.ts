import { Command } from 'commander'
import { DatabaseServer } from '../../db/database-server.js'
import { DelbenchError } from '../../db/errors.js'
import { openServer } from '../../db/open-server.js'
import { dryRun } from '../../runner/dry-run.js'
import { prepareScenario, runIteration, type IterationResult } from '../../runner/run-strategy.js'
import { scenarioLabel } from '../../scenarios/registry.js'
import { scenarioTables } from '../../seeds/scenario-tables.js'
import { seedScenario } from '../../seeds/seeder.js'
import { StrategyRegistry } from '../../strategies/registry.js'
import type { Strategy } from '../../strategies/strategy.js'
import { addDatabaseOptions, databaseSelection, type DatabaseFlags } from '../database-options.js'
import { err, out } from '../output.js'
import { seedProgress } from '../progress.js'
import { addScenarioOptions, scenarioSelection, type ScenarioFlags } from '../scenario-options.js'

interface RunFlags extends Partial<DatabaseFlags>, ScenarioFlags {
  readonly strategy?: string[]
  readonly batchSize: string
  readonly sleepMs: string
  readonly dryRun?: boolean
  readonly json?: boolean
}

const collect = (value: string, previous: string[] | undefined) => [
  ...(previous ?? []),
  ...value.split(',').filter(Boolean),
]

function positiveInteger(value: string, flag: string, min = 1): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < min)
    throw new DelbenchError(`${flag} must be an integer of at least ${min}, not '${value}'`)
  return n
}

/** One line per run: status, time, statements by kind, rows deleted, and the verifier's problems. */
function describe(label: string, result: IterationResult): string[] {
  if (result.status === 'unsupported') return [`${label}: unsupported — ${result.error}`]
  const s = result.counters.statements
  const kinds = (['select', 'insert', 'update', 'delete', 'begin', 'commit', 'rollback', 'other'] as const)
    .filter((k) => s[k] > 0)
    .map((k) => `${k} ${s[k]}`)
    .join(', ')
  const deleted = Object.entries(result.verdict.rowsDeleted)
    .filter(([, n]) => n !== 0)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ')
  const lines = [
    `${label}: ${result.status} in ${(result.ms / 1000).toFixed(3)} s; ${s.total} statements (${kinds}), ${result.counters.roundTrips} round trips; deleted ${deleted || 'nothing'}` +
      (result.signals.sent > 0 ? `; ${result.signals.sent} signals` : ''),
  ]
  if (result.error) lines.push(`  error: ${result.error}`)
  // After a failure the verifier's findings only restate it; they stay in the results.
  if (result.status === 'wrong-result')
    for (const problem of result.verdict.problems) lines.push(`  wrong: ${problem}`)
  return lines
}

/**
 * A first `delbench run`: each strategy once on each scenario and database, with statements, time and
 * the verdict. (Repeated timed iterations, isolation, reports and the results file are the runner's.)
 */
export function runCommand(): Command {
  const command = new Command('run')
    .description('run deletion strategies on scenarios, verify each, and print statements, time and verdict')
    .option(
      '--strategy <name|file>',
      'strategy name or .js module; comma list or repeatable (default: all built-ins)',
      collect,
    )
    .option('--batch-size <rows>', 'rows per batch for batched and limit-loop', '1000')
    .option('--sleep-ms <ms>', 'pause between batches', '0')
    .option(
      '--dry-run',
      'print the statements each strategy would issue for the first few target rows; change nothing',
    )
    .option('--json', 'print the results as JSON')
  addScenarioOptions(command, '0.02')
  return addDatabaseOptions(command).action(async (flags: RunFlags) => {
    const options = {
      batchSize: positiveInteger(flags.batchSize, '--batch-size'),
      sleepMs: positiveInteger(flags.sleepMs, '--sleep-ms', 0),
    }
    const { specs, open } = databaseSelection(flags)
    const { scenarios, scale, seed, knobs } = await scenarioSelection(flags)
    const registry = new StrategyRegistry()
    const strategies: Strategy[] = flags.strategy?.length
      ? await Promise.all(flags.strategy.map((s) => registry.resolve(s)))
      : registry.all()
    const results: Record<string, unknown>[] = []
    for (const spec of specs) {
      const server = await openServer(spec, open)
      try {
        const { capabilities } = await server.describe()
        for (const scenario of scenarios) {
          const progress = seedProgress(`seeding ${scenarioLabel(scenario)} on ${spec.display}`, flags.json)
          const seeded = await seedScenario(server, { scenario, scale, seed, knobs }, (p) =>
            progress.update(p),
          ).finally(() => progress.stop())
          const prepared = await prepareScenario(
            server,
            capabilities,
            scenario,
            scale,
            scenarioTables(scenario, knobs),
            seeded.database,
          )
          for (const strategy of strategies) {
            const label = `${spec.display} ${scenarioLabel(scenario)} ×${scale} ${strategy.name}`
            if (flags.dryRun) {
              out(`${label} (dry run: the first target rows, on a scratch copy)`)
              for (const entry of await dryRun(prepared, strategy, options)) {
                const params =
                  entry.params.length > 0
                    ? `  -- ${JSON.stringify(entry.params.slice(0, 12))}${entry.params.length > 12 ? ' …' : ''}`
                    : ''
                out(
                  `  ${entry.sql}${params}${entry.error ? `  -- error: ${entry.error.split('\n')[0]}` : ''}`,
                )
              }
              continue
            }
            const working = DatabaseServer.uniqueName(`run_${scenario.name}`)
            try {
              const result = await runIteration(prepared, strategy, options, working)
              results.push({
                database: spec.display,
                scenario: scenarioLabel(scenario),
                scale,
                strategy: strategy.name,
                options,
                ...result,
              })
              if (!flags.json) for (const line of describe(label, result)) out(line)
            } finally {
              await server
                .dropDatabase(working)
                .catch((e: unknown) => err(`could not drop ${working}: ${String(e)}`))
            }
          }
        }
      } finally {
        await server.close()
      }
    }
    if (flags.json) out(JSON.stringify(results, null, 2))
  })
}
