import { Command, CommanderError } from 'commander'
import { DELBENCH_VERSION } from '../core/delbench-version.js'
import { DelbenchError } from '../core/errors.js'
import { registerEnvironmentSecrets } from '../core/redact.js'
import { benchOverheadCommand } from './commands/bench-overhead.js'
import { benchSeedCommand } from './commands/bench-seed.js'
import { cleanCommand } from './commands/clean.js'
import { compareCommand } from './commands/compare.js'
import { importCommand } from './commands/import.js'
import { listCommand } from './commands/list.js'
import { mergeCommand } from './commands/merge.js'
import { probeCommand } from './commands/probe.js'
import { reportCommand } from './commands/report.js'
import { runCommand } from './commands/run.js'
import { seedCommand } from './commands/seed.js'
import { err } from './output.js'

/** The `delbench` command: builds the command tree, parses argv, turns errors into one line each. */
export function buildProgram(): Command {
  const program = new Command('delbench')
    .description('Benchmark and profile strategies for deleting large sets of rows from relational databases')
    .version(DELBENCH_VERSION)
    .option('--verbose', 'on an error, print its stack too')
    .addCommand(listCommand())
    .addCommand(runCommand())
    .addCommand(reportCommand())
    .addCommand(compareCommand())
    .addCommand(mergeCommand())
    .addCommand(seedCommand())
    .addCommand(importCommand())
    .addCommand(probeCommand())
    .addCommand(cleanCommand())
    .addCommand(benchSeedCommand())
    .addCommand(benchOverheadCommand())
  // Every command parses strictly: a misspelt option is an error, not silently ignored.
  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({
      outputError: (text) =>
        err(
          `delbench: ${text.trim().replace(/^error: /, '')} (see delbench ${command.name() === 'delbench' ? '' : command.name() + ' '}--help)`,
        ),
    })
  }
  return program
}

export async function main(argv: readonly string[]): Promise<number> {
  registerEnvironmentSecrets()
  const program = buildProgram()
  try {
    await program.parseAsync([...argv], { from: 'user' })
    // A command may have set its own status (130 after an interrupt).
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? 0 : 2
    }
    if (error instanceof DelbenchError) {
      err(`delbench: ${error.message}`)
      if (program.opts<{ verbose?: boolean }>().verbose && error.stack) err(error.stack)
      return error.exitCode
    }
    const message = error instanceof Error ? error.message : String(error)
    err(`delbench: unexpected error: ${message.split('\n')[0]} (run with --verbose for details)`)
    if (program.opts<{ verbose?: boolean }>().verbose && error instanceof Error && error.stack)
      err(error.stack)
    return 1
  }
}
