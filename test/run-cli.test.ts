import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseDatabaseSpec } from '../db/database-url.js'
import { openServer } from '../db/open-server.js'
import { bookstore } from '../scenarios/builtins/bookstore.js'
import { generatedChecksums, tableChecksums } from '../seeds/checksum.js'
import { scenarioTables } from '../seeds/scenario-tables.js'
import { lines, runCli } from './support/run-cli.js'
import { tempFolder } from './support/test-server.js'

const ROOT = path.resolve(import.meta.dirname, '..')

describe('delbench run (first cut)', () => {
  it('runs a strategy, printing its status, time, statements and rows deleted', async () => {
    const result = await runCli([
      'run',
      '--db',
      `sqlite:${tempFolder('run')}`,
      '--scenario',
      'bookstore',
      '--scale',
      '0.004',
      '--strategy',
      'per-row,naive-bulk',
    ])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /bookstore ×0\.004 per-row: ok in [\d.]+ s; 201 statements \(select 1, delete 200\), 201 round trips; deleted books 200/,
    )
    expect(result.stdout).toMatch(/bookstore ×0\.004 naive-bulk: ok in [\d.]+ s; 1 statements \(delete 1\)/)
  })

  it('reports what a wrong or failing strategy did, and still exits 0 (findings are results)', async () => {
    const result = await runCli([
      'run',
      '--db',
      `sqlite:${tempFolder('run')}`,
      '--scenario',
      'library',
      '--scale',
      '0.003',
      '--strategy',
      'per-row,naive-bulk',
    ])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /library ×0\.003 per-row: wrong-result .*\n {2}wrong: 15 donors not touched/,
    )
    expect(result.stdout).toMatch(
      /library ×0\.003 naive-bulk: failed .*\n {2}error: FOREIGN KEY constraint failed/,
    )
  })

  it('runs the documented plug-in example, and reports it unsupported where it says so', async () => {
    const example = path.join(ROOT, 'examples', 'strategies', 'newest-first.mjs')
    const db = `sqlite:${tempFolder('run')}`
    const ok = await runCli([
      'run',
      '--db',
      db,
      '--scenario',
      'bookstore',
      '--scale',
      '0.004',
      '--strategy',
      example,
      '--batch-size',
      '64',
    ])
    expect(ok.code).toBe(0)
    // 4 batches of at most 64 + one empty key SELECT; each batch BEGIN, DELETE, COMMIT.
    expect(ok.stdout).toMatch(
      /newest-first: ok in [\d.]+ s; 17 statements \(select 5, delete 4, begin 4, commit 4\)/,
    )
    const unsupported = await runCli([
      'run',
      '--db',
      db,
      '--scenario',
      'library',
      '--scale',
      '0.003',
      '--strategy',
      example,
    ])
    expect(unsupported.stdout).toMatch(/newest-first: unsupported — deletes from the target table only/)
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
    ).toEqual(generatedChecksums({ scenario: bookstore, scale: 0.004, seed: 42 }))
    await server.close()
  })
})
