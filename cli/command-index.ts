/**
 * The commands as `delbench --help` lists them, and how to load each. Only the command being run is
 * imported (with its options' modules): loading all ten cost ~60 ms of a ~170 ms start.
 */
import type { Command } from 'commander'

/** Each command's one-line description, shown by `delbench --help` and `delbench <command> --help`. */
export const COMMAND_DESCRIPTIONS = {
  list: 'list the database kinds, scenarios and strategies delbench knows',
  run: 'run the matrix: databases × scenarios × strategies (× swept values); verify each run; write results.json, report.md, report.html and charts; print a summary',
  report:
    'render report.md, report.html and charts/*.png again from a saved results.json (and export it for dashboards)',
  compare:
    'compare two results files: a delta table (Markdown), exit 1 on a regression (exact figures exactly, time by significance and threshold)',
  merge: 'join the results files of shards (delbench run --shard K/N) into one, each run keeping its machine',
  seed: 'seed scenarios into delbench databases (reused by later runs), verify row counts, and report them',
  import:
    "turn a live database's tables, keys and statistics into a scenario file (reads only; copies no data values unless asked)",
  probe:
    'connect to each --db, create and drop a marked scratch database, and report the product, version, durability settings and capabilities found',
  clean:
    'drop every database delbench created on each --db (seeded data and leftovers); databases without its marker are listed and left alone',
  'bench-seed':
    'benchmark seeding: rows/s, bytes/s, wall time of the seed command and peak RSS per database (each seed in its own process), restore time against seed time, and pgbench -i for the same row count where pgbench is installed, side by side',
  'bench-overhead':
    "measure the harness's own cost: batched on bookstore through the runner vs the same statements on the bare driver (--profile-cost: the statement profile's and work counters' cost)",
} as const

export type CommandName = keyof typeof COMMAND_DESCRIPTIONS

/** A command's usage in the program's help (its own module declares the same options and arguments). */
export const COMMAND_TERMS: Readonly<Record<CommandName, string>> = {
  list: 'list [options]',
  run: 'run [options]',
  report: 'report [options] <results...>',
  compare: 'compare [options] <base.json> <head.json>',
  merge: 'merge [options] <results...>',
  seed: 'seed [options]',
  import: 'import [options]',
  probe: 'probe [options]',
  clean: 'clean [options]',
  'bench-seed': 'bench-seed [options]',
  'bench-overhead': 'bench-overhead [options]',
}

/** Builds a command from its own module. */
export const COMMAND_LOADERS: Readonly<Record<CommandName, () => Promise<Command>>> = {
  list: async () => (await import('./commands/list.js')).listCommand(),
  run: async () => (await import('./commands/run.js')).runCommand(),
  report: async () => (await import('./commands/report.js')).reportCommand(),
  compare: async () => (await import('./commands/compare.js')).compareCommand(),
  merge: async () => (await import('./commands/merge.js')).mergeCommand(),
  seed: async () => (await import('./commands/seed.js')).seedCommand(),
  import: async () => (await import('./commands/import.js')).importCommand(),
  probe: async () => (await import('./commands/probe.js')).probeCommand(),
  clean: async () => (await import('./commands/clean.js')).cleanCommand(),
  'bench-seed': async () => (await import('./commands/bench-seed.js')).benchSeedCommand(),
  'bench-overhead': async () => (await import('./commands/bench-overhead.js')).benchOverheadCommand(),
}

export function isCommandName(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(COMMAND_DESCRIPTIONS, name)
}
