import { Command } from 'commander'
import { COMMAND_DESCRIPTIONS } from '../command-index.js'
import { DelbenchError } from '../../core/errors.js'
import type { PgbenchMeasurement, SeedMeasurement, WriteFlush } from '../../runner/seed-benchmark.js'
import type { DatabaseServer } from '../../db/database-server.js'
import type { DatabaseSpec } from '../../db/database-url.js'
import type { Scenario } from '../../scenarios/scenario.js'
import { addDatabaseOptions, databaseSelection, type DatabaseFlags } from '../database-options.js'
import { out } from '../output.js'
import { wholeNumber } from '../whole-number.js'

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`
const num = (n: number) => Math.round(n).toLocaleString('en-US')

/** One scenario at one scale, and `pgbench -i` for the same rows: the median of the repeats of each. */
interface Comparison {
  /** What was done before each timed load: the server's pending writes flushed, or why not. */
  readonly flush: string
  readonly seeding: SeedMeasurement
  readonly pgbench?: PgbenchMeasurement
  /** pgbench's wall time over delbench's (the whole commands): 1 is as fast, above 1 faster. */
  readonly wallRatio?: number
  /** delbench's bytes/s over pgbench's. */
  readonly bytesRatio?: number
  /** delbench's rows/s over pgbench's. */
  readonly rowsRatio?: number
}

type BenchSeedFlags = Partial<DatabaseFlags> & {
  scenario: string
  scales: string
  seed: string
  repeat: number
  json?: boolean
}

export function benchSeedCommand(): Command {
  const command = new Command('bench-seed')
    .description(COMMAND_DESCRIPTIONS['bench-seed'])
    .option(
      '--scenario <names>',
      'comma list of scenarios; NAME@SCALE seeds that one at its own scale instead of --scales',
      'job-history,error-log',
    )
    .option('--scales <list>', 'comma list of scales', '1')
    .option('--seed <integer>', 'generator seed', '42')
    .option(
      '--repeat <n>',
      'measure each this many times, side by side with pgbench -i, and report the median',
      (v: string) => wholeNumber(v, '--repeat', 1),
      1,
    )
    .option('--json', 'print the measurements as JSON')
  return addDatabaseOptions(command).action(async (flags: BenchSeedFlags) => {
    const { values, specs, open } = databaseSelection(flags)
    const scales = flags.scales.split(',').map(Number)
    if (scales.some((s) => !(s > 0)))
      throw new DelbenchError(`--scales must be positive numbers, not '${flags.scales}'`)
    const wanted = flags.scenario.split(',').map((entry) => {
      const at = entry.lastIndexOf('@')
      if (at < 0) return { reference: entry, scales }
      const scale = Number(entry.slice(at + 1))
      if (!(scale > 0))
        throw new DelbenchError(`--scenario ${entry}: the scale after @ must be a positive number`)
      return { reference: entry.slice(0, at), scales: [scale] }
    })
    const { resolveScenario } = await import('../../scenarios/registry.js')
    const scenarios = await Promise.all(wanted.map((w) => resolveScenario(w.reference)))
    const { openServer } = await import('../../db/open-server.js')
    const { WriteFlush } = await import('../../runner/seed-benchmark.js')
    const comparisons: Comparison[] = []
    for (const [i, spec] of specs.entries()) {
      const server = await openServer(spec, open)
      const flush = new WriteFlush(server)
      try {
        for (const [s, scenario] of scenarios.entries()) {
          const { reference, scales: own } = wanted[s] as (typeof wanted)[number]
          for (const scale of own) {
            const comparison = await compare(server, values[i] as string, spec, {
              scenario,
              reference,
              scale,
              seed: Number(flags.seed),
              repeat: flags.repeat,
              flush,
            })
            comparisons.push(comparison)
            if (!flags.json) printLines(comparison)
          }
        }
      } finally {
        await server.close()
      }
    }
    if (flags.json) printJson(comparisons, flags.repeat)
    else printTable(comparisons, flags.repeat)
  })
}

/** Seeds one scenario at one scale `repeat` times, each followed by `pgbench -i` for as many rows. */
async function compare(
  server: DatabaseServer,
  dbValue: string,
  spec: DatabaseSpec,
  what: {
    scenario: Scenario
    reference: string
    scale: number
    seed: number
    repeat: number
    flush: WriteFlush
  },
): Promise<Comparison> {
  const { measurePgbench, measureSeeding, medianRun } = await import('../../runner/seed-benchmark.js')
  const { scenario, reference, scale } = what
  const seeds: SeedMeasurement[] = []
  const references: PgbenchMeasurement[] = []
  // Side by side, one of each in turn: a machine whose load changes affects both alike.
  for (let r = 0; r < what.repeat; r++) {
    const m = await measureSeeding(
      server,
      dbValue,
      spec.display,
      scenario,
      scale,
      what.seed,
      reference,
      what.flush,
    )
    seeds.push(m)
    const p = await measurePgbench(server, spec, m.rows, what.flush)
    if (p) references.push(p)
  }
  const seeding = medianRun(seeds, (m) => m.wallSeconds)
  const pgbench = references.length > 0 ? medianRun(references, (p) => p.seconds) : undefined
  const comparison: Comparison = {
    flush: what.flush.note,
    seeding,
    ...(pgbench
      ? {
          pgbench,
          wallRatio: pgbench.seconds / seeding.wallSeconds,
          bytesRatio: seeding.bytesPerSecond / pgbench.bytesPerSecond,
          rowsRatio: seeding.rowsPerSecond / pgbench.rowsPerSecond,
        }
      : {}),
  }
  return comparison
}

function printJson(comparisons: readonly Comparison[], repeat: number): void {
  out(
    JSON.stringify(
      {
        repeat: repeat,
        seeding: comparisons.map((c) => ({ ...c.seeding, flush: c.flush })),
        pgbench: comparisons.flatMap((c) =>
          c.pgbench
            ? [
                {
                  ...c.pgbench,
                  database: c.seeding.database,
                  comparedWith: `${c.seeding.scenario} ×${c.seeding.scale}`,
                  ratio: c.rowsRatio,
                  wallRatio: c.wallRatio,
                  bytesRatio: c.bytesRatio,
                },
              ]
            : [],
        ),
      },
      null,
      2,
    ),
  )
}

function printLines({ seeding: m, pgbench: p, wallRatio }: Comparison): void {
  out(
    `${m.database} ${m.scenario} ×${m.scale}: ${num(m.rows)} rows (${mb(m.bytes)}) in ${m.seconds.toFixed(2)} s ` +
      `(command ${m.wallSeconds.toFixed(2)} s) = ${num(m.rowsPerSecond)} rows/s, ${mb(m.bytesPerSecond)}/s, ` +
      `peak RSS ${mb(m.peakRssBytes)}; restore ${m.firstRestore.seconds.toFixed(2)} s (${m.firstRestore.method}), ` +
      `after delete ${m.restoreAfterDelete.seconds.toFixed(2)} s (${m.restoreAfterDelete.method}) = ${(100 * m.restoreToSeed).toFixed(0)}% of seeding`,
  )
  if (p && wallRatio !== undefined)
    out(
      `  pgbench -i -s ${p.scale}: ${num(p.rows)} rows (${mb(p.bytes)}) in ${p.seconds.toFixed(2)} s = ${num(p.rowsPerSecond)} rows/s, ` +
        `${mb(p.bytesPerSecond)}/s; pgbench's time / delbench's = ${wallRatio.toFixed(2)}×`,
    )
}

/** The ratios the seeder is held to, one row per scenario and scale. */
function printTable(comparisons: readonly Comparison[], repeat: number): void {
  const fixed = (n: number | undefined, digits = 2) => (n === undefined ? '—' : n.toFixed(digits))
  const rows = comparisons.map(({ seeding: m, pgbench: p, wallRatio, bytesRatio }) => [
    m.database,
    `${m.scenario} ×${m.scale}`,
    num(m.rows),
    fixed(m.wallSeconds),
    fixed(p?.seconds),
    fixed(wallRatio),
    `${(m.bytesPerSecond / 1e6).toFixed(1)}`,
    p ? (p.bytesPerSecond / 1e6).toFixed(1) : '—',
    fixed(bytesRatio),
    `${fixed(m.restoreAfterDelete.seconds)} ${m.restoreAfterDelete.method}`,
    fixed(m.restoreToSeed),
    mb(m.peakRssBytes),
  ])
  const header = [
    'database',
    'scenario',
    'rows',
    'delbench s',
    'pgbench s',
    'wall ratio',
    'MB/s',
    'pgbench MB/s',
    'bytes ratio',
    'restore s',
    'restore/seed',
    'peak RSS',
  ]
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)))
  out('')
  out(
    `median of ${repeat} (wall ratio: pgbench -i's whole command over delbench seed's; above 1, delbench is faster)`,
  )
  for (const line of [header, ...rows]) out(line.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  '))
  for (const note of new Set(comparisons.map((c) => c.flush))) out(note)
}
