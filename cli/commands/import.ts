import fs from 'node:fs'
import { Command, Option } from 'commander'
import { COMMAND_DESCRIPTIONS } from '../command-index.js'
import { DelbenchError } from '../../core/errors.js'
import type { CatalogReadOptions } from '../../db/catalog.js'
import { err, out, shownPath } from '../output.js'
import { wholeNumber } from '../whole-number.js'

interface ImportFlags {
  readonly db: string
  readonly out?: string
  readonly check?: string
  readonly seedDb: string
  readonly tables?: string
  readonly target?: string
  readonly where?: string
  readonly name?: string
  readonly exact?: boolean
  readonly copyCommonValues?: boolean
  readonly sampleRows: string
  readonly statementTimeout: string
  readonly force?: boolean
}

export function importCommand(): Command {
  return new Command('import')
    .description(COMMAND_DESCRIPTIONS['import'])
    .requiredOption(
      '--db <url>',
      'the database to read: postgres://USER@HOST:PORT/DB, mysql://USER@HOST:PORT/DB, or sqlite:FILE',
    )
    .option('--out <file>', 'the scenario file to write (.json)')
    .option(
      '--check <file>',
      'instead of importing: seed this imported scenario at scale 1 and compare its shapes with the source --db',
    )
    .addOption(
      new Option('--seed-db <db>', 'with --check: where to seed it (a --db value, as for run)').default(
        'sqlite',
      ),
    )
    .option('--tables <names>', 'only these tables, comma-separated (default: every table)')
    .option('--target <table>', 'the table whose rows the benchmark deletes (with --where)')
    .option('--where <sql>', 'the predicate choosing them, with literal values (with --target)')
    .option('--name <name>', "the scenario's name (default: from the database's name)")
    .option('--exact', 'count rows and target rows exactly (scans every table)')
    .option(
      '--copy-common-values',
      'copy the most common values of low-cardinality columns (statuses, kinds) into the file',
    )
    .addOption(
      new Option('--sample-rows <n>', 'rows sampled per table where statistics are missing').default('10000'),
    )
    .addOption(
      new Option('--statement-timeout <seconds>', 'the time limit of each statement on the source').default(
        '30',
      ),
    )
    .option('--force', 'overwrite --out if it exists')
    .action(async (flags: ImportFlags) => {
      const request = checkedRequest(flags)
      if (flags.check !== undefined) {
        const { checkImport } = await import('../import-check.js')
        process.exitCode = await checkImport(flags.check, flags.db, flags.seedDb, request)
        return
      }
      await importTo(flags.out as string, flags, request)
    })
}

/** Reads the source, translates it, proves the scenario valid, writes it atomically and says what it did. */
async function importTo(outFile: string, flags: ImportFlags, request: CatalogReadOptions): Promise<void> {
  const [
    { readSourceCatalog },
    { scenarioFromCatalog },
    { scenarioFromJson },
    { writeFileAtomic },
    { loadFaker, mentionsFaker },
  ] = await Promise.all([
    import('../../db/source-catalog.js'),
    import('../../scenarios/imported-scenario.js'),
    import('../../scenarios/scenario-file.js'),
    import('../../reports/write-results.js'),
    import('../../scenarios/faker-methods.js'),
  ])
  const { DELBENCH_VERSION } = await import('../../core/delbench-version.js')
  const catalog = await readSourceCatalog(flags.db, request)
  const file = scenarioFromCatalog(catalog, {
    ...(flags.name === undefined ? {} : { name: flags.name }),
    copyCommonValues: flags.copyCommonValues ?? false,
    exact: request.exact,
    delbenchVersion: DELBENCH_VERSION,
  })
  // What is written must be a scenario `run` accepts: a file it would refuse is not written at all.
  try {
    scenarioFromJson(file, outFile, {
      withoutTarget: true,
      faker: mentionsFaker(file) ? await loadFaker() : undefined,
    })
  } catch (error) {
    throw new DelbenchError(`import could not make a valid scenario: ${(error as Error).message}`)
  }
  writeFileAtomic(outFile, JSON.stringify(file, null, 2) + '\n')
  const rows = file.tables.reduce((sum, t) => sum + t.rows, 0)
  out(
    `${file.name}: ${file.tables.length} tables, ${rows.toLocaleString('en-US')} rows at scale 1 (${file.imported.rowCounts}) → ${shownPath(outFile)}`,
  )
  const target = file.imported.target
  if (target)
    out(
      `  target ${file.target?.table} where ${file.target?.where}: ${target.rows.toLocaleString('en-US')} of ${target.tableRows.toLocaleString('en-US')} rows (${(target.share * 100).toFixed(2)}%, ${target.method})`,
    )
  else
    err(
      `  no target: set "target" in ${shownPath(outFile)} (or import with --target and --where) before running it`,
    )
  for (const note of file.imported.notes) err(`  note: ${note}`)
}

/** The flags as the catalog reader wants them, refused in one line where they make no sense. */
function checkedRequest(flags: ImportFlags): CatalogReadOptions {
  if ((flags.out === undefined) === (flags.check === undefined))
    throw new DelbenchError(
      'give --out FILE to import, or --check FILE to compare an imported scenario with its source',
    )
  if (flags.out !== undefined && !/\.json$/i.test(flags.out))
    throw new DelbenchError(`--out ${flags.out}: write the scenario to a .json file`)
  if (flags.out !== undefined && fs.existsSync(flags.out) && !flags.force)
    throw new DelbenchError(`--out ${flags.out} exists: choose another file or pass --force to overwrite it`)
  if ((flags.target === undefined) !== (flags.where === undefined))
    throw new DelbenchError(
      '--target and --where go together: name the table and the predicate choosing its rows',
    )
  const sampleRows = wholeNumber(flags.sampleRows, '--sample-rows', 1)
  const timeout = Number(flags.statementTimeout)
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new DelbenchError(`--statement-timeout ${flags.statementTimeout}: give a number of seconds above 0`)
  const tables = flags.tables
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean)
  return {
    ...(tables ? { tables } : {}),
    exact: flags.exact ?? false,
    sampleRows,
    statementTimeoutMs: Math.round(timeout * 1000),
    ...(flags.target !== undefined && flags.where !== undefined
      ? { target: { table: flags.target, where: flags.where } }
      : {}),
  }
}
