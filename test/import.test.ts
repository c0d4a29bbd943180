import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createImportFixture,
  fileChecksum,
  tableChecksum,
  type ImportFixture,
} from './support/import-fixture.js'
import { readValidResults } from './support/results.js'
import { lines, runCli, type CliResult } from './support/run-cli.js'
import { skipped, TEST_DATABASES, type TestDatabase } from './support/servers.js'
import { tempFolder } from './support/temp-folders.js'

/** The fixture's tables (the view and partitions are not tables of their own). */
const TABLES = [
  'users',
  'threads',
  'posts',
  'stores',
  'staff',
  'products',
  'orders',
  'order_lines',
  'refunds',
  'events',
  'audit_log',
]
/** About a third of the posts, with their replies (a tree) and everything cascading from them. */
const TARGET = ['--target', 'posts', '--where', "created_at < '2023-06-20'"]
const STRATEGIES = 'batched,collector-subquery,per-row-callbacks'

/** The `--db` value of a target database: SQLite in a folder of the test's own. */
function dbArgument(db: TestDatabase, folder: string): string {
  return db.dialect === 'sqlite' ? `sqlite:${folder}` : (db.url as string)
}

/** What PostgreSQL's statistics say was written to the source: must not move while it is read. */
async function writeCounters(fixture: ImportFixture): Promise<string> {
  if (fixture.dialect !== 'postgres') return ''
  await fixture.query('SELECT pg_stat_force_next_flush()')
  await fixture.query('SELECT 1')
  const rows = await fixture.query(
    'SELECT relname, n_tup_ins, n_tup_upd, n_tup_del, n_tup_hot_upd FROM pg_stat_user_tables ORDER BY relname',
  )
  return JSON.stringify(rows)
}

async function count(fixture: ImportFixture, sql: string): Promise<number> {
  const [row] = await fixture.query(sql)
  return Number(Object.values(row ?? {})[0])
}

describe.each(TEST_DATABASES)('delbench import from $dialect', (source) => {
  const targets = TEST_DATABASES.filter((db) => !skipped(db))
  let fixture: ImportFixture
  let folder: string
  let file: string
  let imported: CliResult
  const before = new Map<string, string>()
  let countersBefore = ''

  beforeAll(async () => {
    if (skipped(source)) return
    fixture = await createImportFixture(source)
    folder = tempFolder('import')
    file = path.join(folder, 'forum-shop.json')
    for (const t of TABLES) before.set(t, await tableChecksum(fixture, t))
    if (source.dialect === 'sqlite') before.set('file', fileChecksum(fixture.url))
    countersBefore = await writeCounters(fixture)
    imported = await runCli(['import', '--db', fixture.url, '--out', file, ...TARGET])
  })
  afterAll(async () => {
    await fixture?.drop()
  })

  it.skipIf(skipped(source))('writes a scenario file and leaves the source unchanged', async () => {
    expect(imported.stderr).not.toMatch(/unexpected error|at .*\.js:\d+/)
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stdout).toMatch(/: 11 tables, [\d,]+ rows at scale 1 .* → /)
    const scenario = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      imported: { product: string; database: string; target: { share: number } }
      tables: { name: string; primaryKey?: unknown }[]
    }
    expect(scenario.imported.product).toMatch(/PostgreSQL|MariaDB|MySQL|SQLite/)
    // Where it came from, never how to reach it.
    expect(fs.readFileSync(file, 'utf8')).not.toMatch(/127\.0\.0\.1|root@|postgres@/)
    expect(scenario.tables.find((t) => t.name === 'events')?.primaryKey).toBeUndefined()
    expect(scenario.tables.find((t) => t.name === 'order_lines')?.primaryKey).toEqual(['order_id', 'line_no'])
    expect(scenario.imported.target.share).toBeGreaterThan(0.2)
    expect(scenario.imported.target.share).toBeLessThan(0.5)
    for (const t of TABLES) expect(await tableChecksum(fixture, t), t).toBe(before.get(t))
    if (source.dialect === 'sqlite') expect(fileChecksum(fixture.url)).toBe(before.get('file'))
    expect(await writeCounters(fixture)).toBe(countersBefore)
  })

  it.skipIf(skipped(source))(
    `runs ok at scale 0.2 with ${STRATEGIES} on every database, deleting the same rows`,
    async () => {
      const out = path.join(folder, 'run')
      const dbs = targets.flatMap((db) => ['--db', dbArgument(db, path.join(folder, 'db'))])
      const run = await runCli(
        [
          'run',
          ...dbs,
          '--scenario',
          file,
          '--scale',
          '0.2',
          '--strategy',
          STRATEGIES,
          '--iterations',
          '1',
          '--out',
          out,
        ],
        {},
        300_000,
      )
      expect(run.code, run.stderr).toBe(0)
      const { runs } = readValidResults(path.join(out, 'results.json'))
      expect(runs).toHaveLength(targets.length * 3)
      for (const r of runs)
        expect(`${r.database.kind} ${r.strategy}: ${r.status} ${r.error ?? ''}`).toMatch(/: ok $/)
      const deleted = new Set(runs.map((r) => JSON.stringify(r.rowsDeleted)))
      expect(deleted.size, [...deleted].join(' / ')).toBe(1)
    },
    360_000,
  )

  it.skipIf(skipped(source))(
    "seeds at scale 1 within 5% of each table's rows and 10% of the target's",
    async () => {
      const seedFolder = path.join(folder, 'scale-1')
      const seeded = await runCli(['seed', '--db', `sqlite:${seedFolder}`, '--scenario', file, '--json'])
      expect(seeded.code, seeded.stderr).toBe(0)
      const [report] = JSON.parse(seeded.stdout) as {
        seededDatabase: string
        tables: Record<string, { rows: number }>
      }[]
      for (const t of TABLES) {
        const exact = await count(fixture, `SELECT COUNT(*) FROM ${t}`)
        const rows = report?.tables[t]?.rows ?? 0
        expect(Math.abs(rows - exact), `${t}: seeded ${rows}, source ${exact}`).toBeLessThanOrEqual(
          exact * 0.05,
        )
      }
      const where = TARGET[3] as string
      const sourceRows = await count(fixture, `SELECT COUNT(*) FROM posts WHERE ${where}`)
      const db = new Database(path.join(seedFolder, `${report?.seededDatabase}.sqlite`), { readonly: true })
      try {
        const row = db.prepare(`SELECT COUNT(*) AS n FROM posts WHERE ${where}`).get() as { n: number }
        expect(
          Math.abs(row.n - sourceRows),
          `target: seeded ${row.n}, source ${sourceRows}`,
        ).toBeLessThanOrEqual(sourceRows * 0.1)
      } finally {
        db.close()
      }
    },
    180_000,
  )

  it.skipIf(skipped(source))(
    '--check compares the seeded shapes with the source, table by table',
    async () => {
      const check = await runCli([
        'import',
        '--check',
        file,
        '--db',
        fixture.url,
        '--seed-db',
        `sqlite:${path.join(folder, 'check')}`,
      ])
      expect(check.code, check.stderr).toBe(0)
      for (const t of TABLES)
        expect(check.stdout).toMatch(new RegExp(`^${t} +rows +([\\d,]+) +\\1 +1\\.00$`, 'm'))
      expect(check.stdout).toMatch(/^posts +target share +0\.3\d+ +0\.3\d+ +(0\.9|1\.0|1\.1)\d$/m)
      expect(check.stdout).toMatch(/^\d+ of \d+ shapes within tolerance/m)
    },
  )

  it.skipIf(skipped(source))('refuses in one line and writes nothing', async () => {
    const out = path.join(folder, 'refused.json')
    const cases: [string[], RegExp][] = [
      [['--db', fixture.url, '--out', out, '--target', 'posts'], /--target and --where go together/],
      [['--db', fixture.url, '--out', out, '--tables', 'posts,nosuch'], /nosuch/],
      [
        ['--db', fixture.url, '--out', out, '--target', 'posts', '--where', 'id > 0; DROP TABLE posts'],
        /where|predicate/i,
      ],
      [['--db', fixture.url, '--out', file], /exists: choose another file or pass --force/],
    ]
    for (const [args, message] of cases) {
      const result = await runCli(['import', ...args])
      expect(result.code, args.join(' ')).not.toBe(0)
      expect(lines(result.stderr), result.stderr).toHaveLength(1)
      expect(result.stderr).toMatch(message)
      expect(fs.existsSync(out), args.join(' ')).toBe(false)
    }
  })
})

describe('delbench import refusals', () => {
  it('an unreadable URL is one line, with no password, and nothing written', async () => {
    const out = path.join(tempFolder('import'), 'x.json')
    for (const url of [
      'postgres://u:s3cret@127.0.0.1:1/nowhere',
      path.join(tempFolder('import'), 'missing.db'),
      'sqlite',
    ]) {
      const result = await runCli(['import', '--db', url, '--out', out])
      expect(result.code, url).not.toBe(0)
      expect(lines(result.stderr), result.stderr).toHaveLength(1)
      expect(result.stderr).not.toContain('s3cret')
      expect(fs.existsSync(out)).toBe(false)
    }
  })
})
