import path from 'node:path'
import { Command } from 'commander'
import { COMMAND_DESCRIPTIONS } from '../command-index.js'
import { DelbenchError } from '../../core/errors.js'
import { marginOfError } from '../../core/margin-of-error.js'
import type { ResultsDocument } from '../../core/results-schema.js'
import {
  assertWritableDirectory,
  linkLatest,
  timestampedOutDir,
  writeResults,
} from '../../reports/write-results.js'
import type { MatrixEvents } from '../../runner/matrix.js'
import type { MatrixPlan } from '../../runner/run-plan.js'
import { DEFAULT_LAG_WAIT_MS, DEFAULT_MAX_LAG_MS, type StrategyOptions } from '../../strategies/strategy.js'
import { addDatabaseOptions, databaseSelection, type DatabaseFlags } from '../database-options.js'
import { err, out, reclaimedLine, shownPath } from '../output.js'
import type * as progressModule from '../progress.js'
import type { ProgressReporter } from '../progress.js'

/** The progress bars' module, loaded with the run (cli-progress is not needed for --help). */
type ProgressModule = typeof progressModule
import { addIterationOptions, iterationPolicy, type IterationFlags } from '../iteration-options.js'
import { addScenarioOptions, scenarioSelection, type ScenarioFlags } from '../scenario-options.js'

interface RunFlags extends Partial<DatabaseFlags>, ScenarioFlags, IterationFlags {
  readonly strategy?: string[]
  readonly batchSize: string
  readonly sleepMs: string
  readonly workers: string
  readonly chunkTime: string
  readonly replica?: string[]
  readonly maxLag: string
  readonly lagWait: string
  readonly bulkDelete: string
  readonly timeout: string
  readonly out?: string
  readonly dryRun?: boolean
  readonly traffic: boolean
  readonly json?: boolean
  readonly profile?: boolean
  readonly shard?: string
}

const collect = (value: string, previous: string[] | undefined) => [
  ...(previous ?? []),
  ...value.split(',').filter(Boolean),
]

/** More connections than this is a typo, not a benchmark (and would exhaust small servers' limits). */
const MAX_WORKERS = 64

/** `--shard K/N`: the K-th of N slices of the matrix (1-based on the command line). */
function shardOf(value: string | undefined): { index: number; count: number } | undefined {
  if (value === undefined) return undefined
  const match = /^(\d+)\/(\d+)$/.exec(value.trim())
  const k = Number(match?.[1])
  const n = Number(match?.[2])
  if (!match || n < 1 || k < 1 || k > n)
    throw new DelbenchError(`--shard takes K/N with 1 ≤ K ≤ N (the K-th of N slices), not '${value}'`)
  return { index: k - 1, count: n }
}

/** A comma list of integers of at least `min`: one run per value (a sweep). */
function integers(value: string, flag: string, min: number): number[] {
  return value.split(',').map((item) => {
    const n = Number(item)
    if (item.trim() === '' || !Number.isInteger(n) || n < min)
      throw new DelbenchError(
        `${flag} takes integers of at least ${min} (a comma list sweeps them), not '${item}'`,
      )
    return n
  })
}

/** An on/off flag's comma list, each value checked. */
function switches(value: string, flag: string): boolean[] {
  return value.split(',').map((item) => {
    const v = item.trim().toLowerCase()
    if (v !== 'on' && v !== 'off')
      throw new DelbenchError(`${flag} takes on or off (a comma list sweeps them), not '${item}'`)
    return v === 'on'
  })
}

/** Where results go: `--out DIR`, or `results/<timestamp>/` with `results/latest` pointing at it. */
function outputDirectory(flag: string | undefined): { dir: string; latestBase?: string } {
  if (flag) return { dir: path.resolve(flag) }
  const base = path.resolve('results')
  return { dir: timestampedOutDir(base), latestBase: base }
}

export function runCommand(): Command {
  const command = new Command('run')
    .description(COMMAND_DESCRIPTIONS['run'])
    .option(
      '--strategy <name|file>',
      'strategy name or .js module; comma list or repeatable (default: all built-ins)',
      collect,
    )
    .option(
      '--timeout <seconds>',
      'budget per run: no iteration starts that it cannot hold; a first iteration it cannot hold is stopped and projected',
      '10',
    )
    .option(
      '--batch-size <rows>',
      'rows per batch for batched and limit-loop, the first batch of adaptive-batched, keys per table per cleanup pass of loose-fk (comma list to sweep)',
      '1000',
    )
    .option('--sleep-ms <ms>', 'pause between batches (comma list to sweep)', '0')
    .option(
      '--workers <k>',
      'connections deleting side by side, for parallel-batched (comma list to sweep)',
      '2',
    )
    .option(
      '--chunk-time <ms>',
      'the time adaptive-batched sizes each batch to take, ms (comma list to sweep; pt-osc’s default 500)',
      '500',
    )
    .option(
      '--replica <url>',
      'a replica of the --db of its kind whose lag each run measures; repeatable (N:URL for the N-th --db)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option(
      '--max-lag <ms>',
      'replica lag above which throttled-batched pauses (comma list to sweep)',
      String(DEFAULT_MAX_LAG_MS),
    )
    .option(
      '--lag-wait <seconds>',
      'longest pause on replica lag before a throttled run fails, and longest wait for replicas to catch up',
      String(DEFAULT_LAG_WAIT_MS / 1000),
    )
    .option(
      '--bulk-delete <off|on>',
      'pt-archiver deletes each chunk with one DELETE instead of row by row (comma list to sweep: off,on)',
      'off',
    )
    .option(
      '--out <dir>',
      'folder for results.json and the reports (default: results/<timestamp>/, with results/latest)',
    )
    .option('--no-traffic', 'do not run the scenarios’ foreground traffic during deletions')
    .option(
      '--dry-run',
      'print the statements each strategy would issue for the first few target rows; change nothing',
    )
    .option('--json', 'print the results document on stdout instead of the summary table')
    .option(
      '--profile',
      'after the summary, print each run’s full statement profile, database work counters and plan warnings',
    )
    .option(
      '--shard <K/N>',
      'run only the K-th of N slices of the matrix (each machine of a CI matrix its own; delbench merge joins them)',
    )
  addScenarioOptions(command, '0.02')
  addIterationOptions(command)
  return addDatabaseOptions(command).action(async (flags: RunFlags) => {
    const plan = await matrixPlan(flags, (flag) => command.getOptionValueSource(flag))
    if (flags.dryRun) {
      const { dryRunMatrix } = await import('../../runner/dry-run.js')
      for await (const line of dryRunMatrix(plan)) out(line)
      return
    }
    await runMatrix(plan, flags)
  })
}

/** The matrix the flags ask for, each flag checked. */
async function matrixPlan(
  flags: RunFlags,
  sources: (flag: string) => string | undefined,
): Promise<MatrixPlan> {
  const batchSizes = integers(flags.batchSize, '--batch-size', 1)
  const sleeps = integers(flags.sleepMs, '--sleep-ms', 0)
  const workers = integers(flags.workers, '--workers', 1)
  const chunkTimes = integers(flags.chunkTime, '--chunk-time', 1)
  const tooMany = workers.find((k) => k > MAX_WORKERS)
  if (tooMany !== undefined)
    throw new DelbenchError(`--workers ${tooMany} is above ${MAX_WORKERS}: each worker is a connection`)
  const shard = shardOf(flags.shard)
  const timeoutSeconds = Number(flags.timeout)
  if (!(timeoutSeconds > 0))
    throw new DelbenchError(`--timeout must be a positive number of seconds, not '${flags.timeout}'`)
  const bulkDeletes = switches(flags.bulkDelete, '--bulk-delete')
  const maxLags = integers(flags.maxLag, '--max-lag', 1)
  const lagWaitSeconds = Number(flags.lagWait)
  if (!(lagWaitSeconds > 0))
    throw new DelbenchError(`--lag-wait must be a positive number of seconds, not '${flags.lagWait}'`)
  const lagWaitMs = lagWaitSeconds * 1000
  const options: StrategyOptions[] = batchSizes.flatMap((batchSize) =>
    sleeps.flatMap((sleepMs) =>
      workers.flatMap((k) =>
        chunkTimes.flatMap((chunkTimeMs) =>
          maxLags.flatMap((maxLagMs) =>
            bulkDeletes.map((bulkDelete) => ({
              batchSize,
              sleepMs,
              workers: k,
              chunkTimeMs,
              maxLagMs,
              lagWaitMs,
              bulkDelete,
            })),
          ),
        ),
      ),
    ),
  )
  const { values, specs, open } = databaseSelection(flags)
  // Replicas are paired and checked before any work: one that does not answer, or is not a replica
  // of its primary, is refused here.
  const { pairReplicas, checkReplicas } = await import('../../runner/replicas.js')
  const replicas = pairReplicas(specs, flags.replica ?? [])
  await checkReplicas(specs, replicas)
  const { scenarios, references, scale, seed, knobs, diskCheck } = await scenarioSelection(flags)
  const { StrategyRegistry } = await import('../../strategies/registry.js')
  const registry = new StrategyRegistry()
  const strategyRefs = flags.strategy?.length ? flags.strategy : registry.all().map((s) => s.name)
  const strategies = await Promise.all(
    strategyRefs.map(async (reference) => ({
      value: await registry.resolve(reference),
      reference: strategyReference(reference),
    })),
  )
  return {
    databases: specs.map((spec, i) => ({
      spec,
      value: values[i] as string,
      ...(replicas[i]?.length ? { replicas: replicas[i] } : {}),
    })),
    scenarios: scenarios.map((value, i) => ({ value, reference: references[i] as string })),
    strategies,
    scale,
    seed,
    knobs,
    diskCheck,
    options,
    policy: iterationPolicy(flags, sources),
    timeoutMs: timeoutSeconds * 1000,
    open,
    logSql: flags.logSql ?? false,
    traffic: flags.traffic,
    ...(shard ? { shard } : {}),
  }
}

/** How a child process finds the strategy again: its name, or its module file's absolute path. */
function strategyReference(reference: string): string {
  return path.isAbsolute(reference) || !/[/\\]|\.m?js$/.test(reference) ? reference : path.resolve(reference)
}

/** Runs the matrix, saving the results file after every run; then the reports, and the summary. */
async function runMatrix(plan: MatrixPlan, flags: RunFlags): Promise<void> {
  const { dir, latestBase } = outputDirectory(flags.out)
  assertWritableDirectory(dir)
  const resultsFile = path.join(dir, 'results.json')
  const save = (document: ResultsDocument) => writeResults(resultsFile, document)
  // Loaded here, not at start-up: `delbench --help` and argument errors need none of the drivers.
  const [{ MatrixRunner }, { describeEnvironment }, { writeReports }, { summaryTable }] = await Promise.all([
    import('../../runner/matrix.js'),
    import('../../runner/environment.js'),
    import('../../reports/write-reports.js'),
    import('../../reports/summary-table.js'),
  ])
  const progress = progressLines(flags.json ?? false, save, await import('../progress.js'))
  const runner = new MatrixRunner(plan, progress.events)
  // Ctrl-C and SIGTERM: stop the current run (its child killed, its working copy dropped), then
  // write what finished, marked interrupted.
  const interrupt = () => runner.interrupt()
  process.once('SIGINT', interrupt)
  process.once('SIGTERM', interrupt)
  let document: ResultsDocument
  try {
    document = await runner.run(describeEnvironment(process.argv.slice(2), new Date()))
  } finally {
    process.removeListener('SIGINT', interrupt)
    process.removeListener('SIGTERM', interrupt)
    progress.stop()
  }
  save(document)
  // The results file is safe first; the reports are drawn from it, and can be drawn again.
  const reports = await writeReports(dir, document)
  if (latestBase) linkLatest(latestBase, dir)
  if (flags.json) out(JSON.stringify(document, null, 2))
  else {
    out(summaryTable(document))
    const shown = (name: string) => shownPath(path.join(dir, name))
    out(`results: ${shown('results.json')}`)
    out(`report: ${shown(reports.markdown)}, ${shown(reports.html)} (${reports.charts.length} charts)`)
    if (flags.profile) {
      const { fullProfiles } = await import('../../reports/profile-prose.js')
      out(fullProfiles(document.runs))
    }
  }
  if (document.environment.interrupted) {
    err('delbench: interrupted; the runs that finished are in the results file')
    process.exitCode = 130
  }
}

/** The matrix's events drawn as progress bars and lines on stderr (none with `--json`). */
function progressLines(
  quiet: boolean,
  checkpoint: (document: ResultsDocument) => void,
  { rowProgress, seedUpdate }: ProgressModule,
): { readonly events: MatrixEvents; stop(): void } {
  let progress: ProgressReporter | undefined
  const stop = () => {
    progress?.stop()
    progress = undefined
  }
  const events: MatrixEvents = {
    seeding: (label, p) => (progress ??= rowProgress(`seeding ${label}`, quiet)).update(seedUpdate(p)),
    seeded: stop,
    waiting: (label) => {
      if (!quiet) err(`waiting for another delbench process seeding ${label}, to reuse it`)
    },
    reclaimed: (server, { name, owner }) => {
      if (!quiet) err(reclaimedLine(server, name, owner))
    },
    runStarted: (label) => {
      progress = rowProgress(label, quiet)
    },
    runProgress: (_label, rows, expected, elapsedMs) =>
      progress?.update({ done: Math.min(rows, expected), total: expected, elapsedMs }),
    runFinished: (label, run) => {
      const rme = run.timing ? marginOfError(run.timing) : undefined
      stop()
      if (!quiet)
        err(
          `${label}: ${run.status}${run.timing ? ` (median ${run.timing.median.toFixed(1)} ms${rme === undefined ? '' : `, ±${rme.toFixed(1)}%`})` : ''}${run.iterationStop ? ` — ${run.iterationStop.detail}` : ''}`,
        )
    },
    checkpoint,
  }
  return { events, stop }
}
