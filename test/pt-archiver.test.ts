import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { mysqlAdapter } from '../db/mysql/mysql-adapter.js'
import { inlineParameters } from '../db/placeholders.js'
import { stockServers } from '../db/stock-servers.js'
import { planDeletion } from '../scenarios/deletion-plan.js'
import { bookstore } from '../scenarios/builtins/bookstore.js'
import { library } from '../scenarios/builtins/library.js'
import { scenarioTables } from '../scenarios/scenario-tables.js'
import { ownClientStatements } from '../runner/own-client-statements.js'
import { installed } from '../strategies/external-program.js'
import { ptArchiver } from '../strategies/pt-archiver.js'
import {
  addArchiverStatistics,
  archiverStatements,
  parseArchiverStatistics,
} from '../strategies/pt-archiver-statistics.js'
import type { Strategy } from '../strategies/strategy.js'
import { IN_CI, skipped, TEST_DATABASES } from './support/servers.js'
import { tempFolder } from './support/test-server.js'
import { runOnce, useStrategyServer } from './support/strategy-run.js'

/** pt-archiver 3.2.1's --statistics, row by row and with --bulk-delete. */
const ROW_BY_ROW = `Started at 2026-11-30T22:36:48, ended at 2026-11-30T22:36:48
Source: D=scratch,P=3306,h=127.0.0.1,t=t,u=root
SELECT 1666
INSERT 0
DELETE 1666
Action        Count       Time        Pct
deleting       1666     0.1394      76.83
commit            5     0.0045       2.51
select            5     0.0044       2.42
other             0     0.0331      18.25
`
const BULK = `Started at 2026-11-30T22:36:48, ended at 2026-11-30T22:36:48
Source: D=scratch,P=3306,h=127.0.0.1,t=t,u=root
SELECT 1667
INSERT 0
DELETE 1667
Action             Count       Time        Pct
commit                 5     0.0108      40.43
select                 5     0.0042      15.49
bulk_deleting          4     0.0028      10.51
other                  0     0.0090      33.57
`
const zero = { select: 0, insert: 0, update: 0, delete: 0, begin: 0, commit: 0, rollback: 0, other: 0 }

describe('pt-archiver statistics', () => {
  it('parses the rows and each action, row by row and in bulk', () => {
    const row = parseArchiverStatistics(ROW_BY_ROW)
    expect(row?.rows).toEqual({ select: 1666, insert: 0, delete: 1666 })
    expect(row?.actions.deleting).toEqual({ count: 1666, seconds: 0.1394 })
    expect(row && archiverStatements(row)).toEqual({ select: 5, delete: 1666, commit: 5 })
    const bulk = parseArchiverStatistics(BULK)
    expect(bulk && archiverStatements(bulk)).toEqual({ select: 5, delete: 4, commit: 5 })
    const both = row && bulk && addArchiverStatistics(row, bulk)
    expect(both?.rows.delete).toBe(3333)
    expect(both?.actions.commit?.count).toBe(10)
    expect(both?.actions.commit?.seconds).toBeCloseTo(0.0153, 6)
  })

  it('finds none in output without a report', () => {
    expect(parseArchiverStatistics('DBI connect failed\n')).toBeUndefined()
  })
})

describe('a strategy’s own client: where its statements are counted from', () => {
  const connection = { statements: { ...zero, update: 1, total: 1 }, roundTrips: 1 }
  it('its own report, added to delbench’s connection', () => {
    const reported = { counts: { ...zero, select: 5, delete: 100, commit: 5 }, sources: ['the tool'] }
    const { counters, origin } = ownClientStatements(connection, reported, undefined, 'none kept')
    expect(counters).toEqual({
      statements: { ...zero, select: 5, update: 1, delete: 100, commit: 5, total: 111 },
      roundTrips: 111,
    })
    expect(origin.source).toBe('tool')
  })
  it('else the server’s counters over the run, which cover the connection too', () => {
    const before = { ...zero, select: 10, other: 3 }
    const after = { ...zero, select: 12, update: 1, delete: 50, commit: 3, other: 9 }
    const server = { before, after, note: 'server-wide' }
    const { counters, origin } = ownClientStatements(connection, undefined, server, 'unused')
    expect(counters.statements).toEqual({
      ...zero,
      select: 2,
      update: 1,
      delete: 50,
      commit: 3,
      other: 6,
      total: 62,
    })
    expect(origin).toEqual({ source: 'server', note: 'server-wide' })
  })
  it('else the connection’s alone, saying why', () => {
    const { counters, origin } = ownClientStatements(connection, undefined, undefined, 'SQLite keeps none')
    expect(counters).toBe(connection)
    expect(origin.source).toBe('none')
    expect(origin.note).toMatch(/sQLite keeps none$/)
  })
})

describe('pt-archiver’s --where', () => {
  it('writes the parameters in as MySQL literals, leaving quoted question marks alone', () => {
    expect(
      inlineParameters("a = ? AND b < ? AND c = '?' AND d = ?", [1, "it's \\", null], mysqlAdapter),
    ).toBe("a = 1 AND b < 'it''s \\\\' AND c = '?' AND d = NULL")
    expect(() => inlineParameters('a = ?', [], mysqlAdapter)).toThrow(/placeholders/)
  })
})

describe('pt-archiver where it cannot run', () => {
  it('refuses databases that do not speak the MySQL protocol, naming the reason', () => {
    const tables = scenarioTables(bookstore, {})
    const plan = planDeletion(tables, bookstore.target.table)
    const reasons = Object.fromEntries(
      stockServers().map((s) => [
        s.label,
        ptArchiver.unsupported?.(s.dialect, s.capabilities, plan, { scenario: bookstore, tables }),
      ]),
    )
    expect(reasons.SQLite).toBe('pt-archiver speaks the MySQL protocol only (MySQL, MariaDB)')
    expect(reasons.PostgreSQL).toBe('pt-archiver speaks the MySQL protocol only (MySQL, MariaDB)')
    expect(reasons['MySQL/MariaDB']).toBe(
      installed('pt-archiver')
        ? undefined
        : 'pt-archiver is not installed (Debian/Ubuntu: apt-get install percona-toolkit)',
    )
  })
})

describe('whether an external program is installed', () => {
  it('finds an executable file on the PATH or at a path, and nothing else', () => {
    expect(installed('sh')).toBe(true)
    expect(installed('delbench-no-such-program')).toBe(false)
    const folder = tempFolder('installed')
    const program = path.join(folder, 'tool')
    fs.writeFileSync(program, '#!/bin/sh\nexit 0\n', { mode: 0o644 })
    expect(installed(program)).toBe(false) // not executable
    fs.chmodSync(program, 0o755)
    expect(installed(program)).toBe(true)
    expect(installed(folder)).toBe(false) // a folder is not a program
    const saved = process.env['PATH']
    try {
      process.env['PATH'] = `/nonexistent${path.delimiter}${folder}`
      expect(installed('tool')).toBe(true)
      process.env['PATH'] = '/nonexistent'
      expect(installed('tool')).toBe(false)
    } finally {
      process.env['PATH'] = saved
    }
  })
})

const mysql = TEST_DATABASES.find((db) => db.dialect === 'mysql')
// Under CI the tool is installed (.ci/run): its tests never skip there.
const runnable = mysql !== undefined && !skipped(mysql) && (IN_CI || installed('pt-archiver'))
if (mysql !== undefined && !skipped(mysql) && !runnable)
  console.log('pt-archiver tests SKIPPED: install it (Debian/Ubuntu: apt-get install percona-toolkit)')
describe.skipIf(!runnable)('pt-archiver on MySQL/MariaDB', () => {
  const tests = useStrategyServer(mysql ?? { dialect: 'mysql', url: undefined }, 211)
  const LIMIT = 500
  /** Chunks of LIMIT rows, no pause: the options every run here starts from. */
  const CHUNKS = { batchSize: LIMIT, sleepMs: 0, workers: 1, chunkTimeMs: 500 }
  /** Per table: a SELECT per chunk and one that finds none, a COMMIT after each (measured, 3.2.1). */
  const fetches = (rows: number) => Math.ceil(rows / LIMIT) + 1

  it('library: books then the library, donors touched first, its statistics as the run’s counts', async () => {
    const prepared = await tests.prepare(library, 0.003)
    const books = prepared.expectation.tables.books?.deleted ?? 0
    expect(books).toBeGreaterThan(LIMIT)
    const result = await runOnce(prepared, ptArchiver, CHUNKS)
    expect(result.status, JSON.stringify(result)).toBe('ok')
    if (result.status === 'unsupported') return
    expect(result.verdict.rowsDeleted).toEqual({ books, libraries: 1, donors: 0 })
    // One touch UPDATE on delbench's connection; pt-archiver's fetches, row-by-row deletes and commits.
    const selects = fetches(books) + fetches(1)
    expect(result.counters.statements).toEqual({
      ...zero,
      update: 1,
      select: selects,
      delete: books + 1,
      commit: selects,
      total: 1 + 2 * selects + books + 1,
    })
    expect(result.statementsOrigin?.source).toBe('tool')
    expect(result.figures).toMatchObject({
      ptArchiverRowsDeleted: books + 1,
      ptArchiverDeletingCount: books + 1,
      ptArchiverCommitCount: selects,
    })
  })

  it('bookstore with --bulk-delete: one DELETE per chunk', async () => {
    const prepared = await tests.prepare(bookstore, 0.01)
    const books = prepared.expectation.tables.books?.deleted ?? 0
    const result = await runOnce(prepared, ptArchiver, {
      ...CHUNKS,
      bulkDelete: true,
    })
    expect(result.status, JSON.stringify(result)).toBe('ok')
    if (result.status === 'unsupported') return
    expect(result.counters.statements.delete).toBe(Math.ceil(books / LIMIT))
    expect(result.figures.ptArchiverBulkDeletingCount).toBe(Math.ceil(books / LIMIT))
  })

  it('a client that reports nothing is counted by the server’s counters, and says so', async () => {
    const prepared = await tests.prepare(bookstore, 0.01)
    const books = prepared.expectation.tables.books?.deleted ?? 0
    const silent: Strategy = {
      ...ptArchiver,
      name: 'silent-archiver',
      run: (ctx) => ptArchiver.run({ ...ctx, reportStatements: () => {} }),
    }
    const result = await runOnce(prepared, silent, CHUNKS)
    expect(result.status, JSON.stringify(result)).toBe('ok')
    if (result.status === 'unsupported') return
    expect(result.statementsOrigin?.source).toBe('server')
    // Server-wide: other sessions' statements may add to them, never take away.
    expect(result.counters.statements.delete).toBeGreaterThanOrEqual(books)
    expect(result.counters.statements.select).toBeGreaterThanOrEqual(fetches(books))
    // Its setup (SHOW, SET) is in them too, which its own report leaves out.
    expect(result.counters.statements.other).toBeGreaterThan(0)
  })
})
