import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseDatabaseSpec } from '../db/database-url.js'
import { openServer } from '../db/open-server.js'
import { bookstore } from '../scenarios/builtins/bookstore.js'
import { tableChecksums } from '../seeds/checksum.js'
import { generatedChecksums } from '../seeds/generated-checksums.js'
import { scenarioTables } from '../scenarios/scenario-tables.js'
import { readValidResults } from './support/results.js'
import { lines, runCli } from './support/run-cli.js'
import { tempFolder } from './support/test-server.js'

const ROOT = path.resolve(import.meta.dirname, '..')

/** Runs `delbench run` with results in a fresh folder; returns the CLI result and the results' runs. */
async function run(args: string[]) {
  const out = tempFolder('out')
  const result = await runCli([
    'run',
    '--db',
    `sqlite:${tempFolder('run')}`,
    '--iterations',
    '1',
    '--out',
    out,
    ...args,
  ])
  const runs = result.code === 0 ? readValidResults(path.join(out, 'results.json')).runs : []
  return { result, runs }
}

describe('delbench run', () => {
  it('runs strategies and prints a summary table, fastest correct first, with statements and rows deleted', async () => {
    const { result, runs } = await run([
      '--scenario',
      'bookstore',
      '--scale',
      '0.004',
      '--strategy',
      'per-row,naive-bulk',
    ])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /bookstore ×0\.004\nstrategy +median +ratio +statements +rows deleted +peak RSS +traffic p99\/max +outcome\n[- ]+\nnaive-bulk +[\d.]+ ms +1\.0× +1 +200 +\d+ MB +\d+\/\d+ ms +ok\nper-row +[\d.]+ m?s +[\d.]+× +201 +200 +\d+ MB +\d+\/\d+ ms +ok/,
    )
    expect(runs.find((r) => r.strategy === 'per-row')).toMatchObject({
      status: 'ok',
      statements: { select: 1, delete: 200, total: 201 },
      roundTrips: 201,
      rowsDeleted: { books: 200 },
    })
  })

  it('reports what a wrong or failing strategy did, and still exits 0 (findings are results)', async () => {
    const { result, runs } = await run([
      '--scenario',
      'library',
      '--scale',
      '0.003',
      '--strategy',
      'per-row,naive-bulk',
    ])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/per-row .* wrong-result: 15 donors not touched/)
    expect(result.stdout).toMatch(/naive-bulk .* failed: FOREIGN KEY constraint failed/)
    expect(runs.find((r) => r.strategy === 'per-row')?.verification).toEqual({
      ok: false,
      problems: ['15 donors not touched'],
    })
  })

  it('runs the documented plug-in example, and reports it unsupported where it says so', async () => {
    const example = path.join(ROOT, 'examples', 'strategies', 'newest-first.mjs')
    const ok = await run([
      '--scenario',
      'bookstore',
      '--scale',
      '0.004',
      '--strategy',
      example,
      '--batch-size',
      '64',
    ])
    expect(ok.result.code).toBe(0)
    // 4 batches of at most 64 + one empty key SELECT; each batch BEGIN, DELETE, COMMIT.
    expect(ok.runs[0]).toMatchObject({
      strategy: 'newest-first',
      status: 'ok',
      statements: { select: 5, delete: 4, begin: 4, commit: 4, total: 17 },
    })
    const unsupported = await run(['--scenario', 'library', '--scale', '0.003', '--strategy', example])
    expect(unsupported.runs[0]).toMatchObject({
      status: 'unsupported',
      error: 'deletes from the target table only, and this scenario has dependent tables',
    })
    expect(unsupported.result.stdout).toMatch(
      /newest-first .*unsupported: deletes from the target table only/,
    )
  })

  it.each([
    [
      path.join(ROOT, 'test', 'fixtures', 'no-run.mjs'),
      /strategy module .*no-run\.mjs: 'run' must be a function/,
    ],
    [path.join(ROOT, 'test', 'fixtures', 'dup-name.mjs'), /a strategy named 'per-row' is registered already/],
    ['per-rows', /unknown strategy 'per-rows': choose one of per-row, per-row-callbacks/],
  ])('rejects the strategy %s with one line', async (strategy, message) => {
    const result = await runCli([
      'run',
      '--db',
      `sqlite:${tempFolder('run')}`,
      '--scenario',
      'bookstore',
      '--scale',
      '0.001',
      '--strategy',
      strategy,
    ])
    expect(result.code).toBe(2)
    expect(lines(result.stderr)).toHaveLength(1)
    expect(result.stderr).toMatch(message)
  })

  it.each([
    [['--iterations', '0'], /--iterations takes a whole number of at least 1, not '0'/],
    [['--target-rme', '0'], /--target-rme takes a percentage above 0 and below 100, not '0'/],
    [['--min-iterations', '6', '--max-iterations', '4'], /--max-iterations 4 is below --min-iterations 6/],
    [
      ['--batch-size', '100,x'],
      /--batch-size takes integers of at least 1 \(a comma list sweeps them\), not 'x'/,
    ],
    [['--timeout', '-5'], /--timeout must be a positive number of seconds, not '-5'/],
  ])('%j fails with one line and exit 2', async (extra, message) => {
    const result = await runCli([
      'run',
      '--db',
      `sqlite:${tempFolder('run')}`,
      '--scenario',
      'bookstore',
      ...extra,
    ])
    expect(result.code).toBe(2)
    expect(lines(result.stderr)).toHaveLength(1)
    expect(result.stderr).toMatch(message)
  })

  it('--dry-run prints the statements for the first target rows and changes nothing', async () => {
    const folder = tempFolder('run')
    const result = await runCli([
      'run',
      '--db',
      `sqlite:${folder}`,
      '--scenario',
      'bookstore',
      '--scale',
      '0.004',
      '--strategy',
      'per-row,batched',
      '--dry-run',
    ])
    expect(result.code).toBe(0)
    const perRow = result.stdout.split(/\n(?=\S)/).find((block) => block.includes(' per-row (dry run'))
    expect(perRow).toBeDefined()
    expect(perRow?.match(/^ {2}SELECT id FROM books/m)).not.toBeNull()
    expect(perRow?.match(/^ {2}DELETE FROM books WHERE id = \?/gm)).toHaveLength(3)
    // The seeded data is intact and no scratch copy is left behind.
    const server = await openServer(parseDatabaseSpec(`sqlite:${folder}`))
    const own = await server.listDatabases()
    expect(own.map((d) => d.name).every((n) => n.startsWith('delbench_seed_'))).toBe(true)
    const conn = await server.openDatabase(own[0]?.name as string)
    expect(
      await tableChecksums(conn, server.dialect.adapter, scenarioTables(bookstore)).finally(() =>
        conn.close(),
      ),
    ).toEqual(await generatedChecksums({ scenario: bookstore, scale: 0.004, seed: 42 }))
    await server.close()
  })
})
