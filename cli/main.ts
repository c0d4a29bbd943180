import { Command, CommanderError, Help } from 'commander'
import { DELBENCH_VERSION } from '../core/delbench-version.js'
import { DelbenchError } from '../core/errors.js'
import { registerEnvironmentSecrets } from '../core/redact.js'
import { COMMAND_DESCRIPTIONS, COMMAND_LOADERS, COMMAND_TERMS, isCommandName } from './command-index.js'
import { err } from './output.js'

/**
 * The command a command line names (`delbench --verbose run …`, `delbench help run`): the program's own
 * options take no values, so it is the first word that is not an option.
 */
function namedCommand(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'))
  return words[0] === 'help' ? words[1] : words[0]
}

/**
 * The `delbench` command tree: the command the line names is built from its module, the others are
 * their name and description only (what `delbench --help` and a misspelt command's suggestion need).
 */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command('delbench')
    .description('Benchmark and profile strategies for deleting large sets of rows from relational databases')
    .version(DELBENCH_VERSION)
    .option('--verbose', 'on an error, print its stack too')
    .configureHelp({
      // A stub declares no options or arguments: its usage comes from the index (help's own from commander).
      subcommandTerm: (command) => {
        const name = command.name()
        return isCommandName(name) ? COMMAND_TERMS[name] : new Help().subcommandTerm(command)
      },
    })
  const named = namedCommand(argv)
  for (const name of Object.keys(COMMAND_DESCRIPTIONS)) {
    if (!isCommandName(name)) continue
    program.addCommand(
      name === named
        ? await COMMAND_LOADERS[name]()
        : new Command(name).description(COMMAND_DESCRIPTIONS[name]),
    )
  }
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
  const program = await buildProgram(argv)
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
