/**
 * Bad input and unsafe requests, end to end through the `delbench` command: each case asserts the exit
 * status, the one line that names what was wrong, no stack trace, and that nothing outside delbench's
 * own databases changed (a canary database named in the URL, with a scenario's table names, and an
 * unmarked look-alike; for SQLite, the other files of the folder).
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseDatabaseSpec } from '../db/database-url.js'
import { openServer } from '../db/open-server.js'
import { MARKER_TABLE } from '../db/ownership.js'
import { RawServer, randomSuffix } from './support/raw-server.js'
import { lines, runCli, type CliResult } from './support/run-cli.js'
import { requireUrl, skipped, TEST_DATABASES, type TestDatabase } from './support/servers.js'
import { tempFolder } from './support/test-server.js'

type Dialect = TestDatabase['dialect']

/** What a case may use: the `--db` value (the canary named as the admin database), a scratch folder. */
interface Setting {
  readonly dialect: Dialect
  readonly db: string
  readonly folder: string
  readonly raw?: RawServer
  /** The name `delbench seed` gives this file's seed (learnt from the command itself). */
  readonly seedName: string
}

interface Case {
  readonly name: string
  /** The dialects it applies to (default: all). */
  readonly on?: readonly Dialect[]
  /** Prepares the case; the function it returns undoes that. */
  readonly setup?: (s: Setting) => Promise<() => Promise<void>>
  readonly args: (s: Setting) => string[]
  readonly env?: (s: Setting) => NodeJS.ProcessEnv
  readonly code: number | ((s: Setting) => number)
  /** The one error line, after `delbench: `; undefined for a command that must succeed. */
  readonly message?: RegExp | ((s: Setting) => RegExp | undefined)
  /** Text that must appear nowhere in the output (a password). */
  readonly secret?: string
}

const write = (file: string, text: string): string => {
  fs.writeFileSync(file, text)
  return file
}

/** This file's own seed, so no other test file shares (or drops) its seeded database. */
const SEED = 4242
const SEED_ARGS = ['--scenario', 'bookstore', '--scale', '0.002', '--seed', String(SEED)]
const SMALL_RUN = [...SEED_ARGS, '--strategy', 'naive-bulk', '--iterations', '1', '--no-traffic']

const CASES: readonly Case[] = [
  {
    name: 'unknown scenario',
    args: (s) => ['seed', '--db', s.db, '--scenario', 'no-such-scenario'],
    code: 2,
    message: /^unknown scenario 'no-such-scenario': choose one of/,
  },
  {
    name: 'unknown strategy',
    args: (s) => ['run', '--db', s.db, ...SEED_ARGS, '--strategy', 'no-such-strategy'],
    code: 2,
    message: /^unknown strategy 'no-such-strategy': choose one of/,
  },
  {
    name: 'invalid scenario file',
    args: (s) => [
      'seed',
      '--db',
      s.db,
      '--scenario',
      write(
        path.join(s.folder, 'bad-scenario.json'),
        JSON.stringify({ name: 'bad', description: 'x', referenceTime: '2026-01-01T00:00:00Z', tables: [] }),
      ),
    ],
    code: 2,
    message: /^scenario file .*bad-scenario\.json: .*tables/,
  },
  {
    name: 'strategy file without the interface',
    args: (s) => [
      'run',
      '--db',
      s.db,
      ...SEED_ARGS,
      '--strategy',
      write(path.join(s.folder, 'no-run.mjs'), "export default { name: 'no-run', description: 'x' }\n"),
    ],
    code: 2,
    message: /^strategy module .*no-run\.mjs: 'run' must be a function/,
  },
  {
    name: 'negative scale',
    args: (s) => ['seed', '--db', s.db, '--scenario', 'bookstore', '--scale', '-1'],
    code: 2,
    message: /^--scale must be a positive number, not '-1'/,
  },
  {
    name: 'absurd scale',
    args: (s) => ['seed', '--db', s.db, '--scenario', 'bookstore', '--scale', '1e9'],
    code: 2,
    message: /^--scale 1e9 is above 1000/,
  },
  {
    name: 'a scale the disk cannot hold (refused with the estimate)',
    args: (s) => ['seed', '--db', s.db, '--scenario', 'error-log', '--scale', '900'],
    code: 2,
    message:
      /^error-log at --scale 900 needs about \d+ GB \(the seed and one working copy\) and .* has \d+(\.\d)? GB free/,
  },
  {
    name: 'bad URL: unknown kind',
    on: ['sqlite'],
    args: () => ['seed', '--db', 'ftp://example.com/x', ...SEED_ARGS],
    code: 2,
    message: /^--db: unknown database kind 'ftp'/,
  },
  {
    name: 'bad URL: no host',
    on: ['sqlite'],
    args: () => ['seed', '--db', 'postgres:///postgres', ...SEED_ARGS],
    code: 2,
    message: /names no host|is not a valid URL/,
  },
  {
    name: 'unreachable host',
    on: ['sqlite'],
    args: () => ['seed', '--db', 'postgres://postgres@127.0.0.1:1/postgres', ...SEED_ARGS],
    code: 1,
    message: /^cannot reach .*127\.0\.0\.1:1.*connection refused/,
  },
  {
    name: 'wrong credentials',
    on: ['postgres', 'mysql'],
    args: (s) => {
      const url = new URL(s.db)
      if (s.dialect === 'postgres') url.username = 'no_such_role_delbench_test'
      else url.password = 'wrong-pass-4711'
      return ['seed', '--db', url.href, ...SEED_ARGS]
    },
    code: 2,
    message:
      /rejected the credentials of user '(no_such_role_delbench_test|root)': check the user and password/,
    secret: 'wrong-pass-4711',
  },
  {
    name: 'missing privileges to create a database',
    on: ['postgres', 'mysql'],
    setup: async (s) => {
      const raw = s.raw as RawServer
      const user = 'delbench_test_noprivs'
      const statements =
        s.dialect === 'postgres'
          ? [`DROP ROLE IF EXISTS ${user}`, `CREATE ROLE ${user} LOGIN NOCREATEDB`]
          : ['%', 'localhost', '127.0.0.1'].flatMap((host) => [
              `DROP USER IF EXISTS '${user}'@'${host}'`,
              `CREATE USER '${user}'@'${host}'`,
            ])
      await raw.admin(async (session) => {
        for (const sql of statements) await session.execute(sql, [])
      })
      return () =>
        raw.admin(async (session) => {
          for (const sql of statements.filter((x) => x.startsWith('DROP'))) await session.execute(sql, [])
        })
    },
    args: (s) => {
      const url = new URL(s.db)
      url.username = 'delbench_test_noprivs'
      url.password = ''
      // On MySQL the user may not use the canary either: name no database at all.
      if (s.dialect === 'mysql') url.pathname = '/'
      return ['seed', '--db', url.href, '--scenario', 'bookstore', '--scale', '0.002', '--seed', '4244']
    },
    code: 2,
    message:
      /refused to create database delbench_seed_bookstore_\w+ \(.*denied.*\): delbench needs a user that may create databases/,
  },
  {
    name: 'unwritable output directory',
    args: (s) => [
      'run',
      '--db',
      s.db,
      ...SMALL_RUN,
      '--out',
      path.join(write(path.join(s.folder, 'a-file'), ''), 'out'),
    ],
    code: 2,
    message:
      /^cannot write results to .*a-file\/out \(ENOTDIR\): choose a folder delbench may write with --out/,
  },
  {
    name: 'corrupted results file given to report',
    on: ['sqlite'],
    args: (s) => ['report', write(path.join(s.folder, 'torn.json'), '{"schemaVersion": 1, "runs": [')],
    code: 2,
    message: /torn\.json is not JSON/,
  },
  {
    name: 'corrupted results file given to compare',
    on: ['sqlite'],
    args: (s) => {
      const torn = write(path.join(s.folder, 'torn.json'), '{"schemaVersion": 1, "runs": [')
      return ['compare', torn, torn]
    },
    code: 2,
    message: /torn\.json is not JSON/,
  },
  {
    name: 'an unmarked database under the seed’s own name',
    setup: async (s) => {
      const name = s.seedName
      if (s.dialect === 'sqlite') {
        const db = new Database(path.join(s.folder, `${name}.sqlite`))
        db.exec(
          "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO books VALUES (1, 'mine')",
        )
        db.close()
        return async () => fs.rmSync(path.join(s.folder, `${name}.sqlite`), { force: true })
      }
      const raw = s.raw as RawServer
      await raw.createDatabase(name)
      await raw.admin((session) => session.execute('CREATE TABLE books (id INTEGER PRIMARY KEY)', []), name)
      return () => raw.dropDatabase(name)
    },
    args: (s) => ['seed', '--db', s.db, ...SEED_ARGS],
    code: 2,
    message: /database '?delbench_seed_bookstore_\w+'? (exists already|.*no delbench_marker)/,
  },
  {
    name: 'passwords in the URL and the environment, with --log-sql',
    on: ['postgres', 'mysql'],
    args: (s) => {
      const url = new URL(s.db)
      // PostgreSQL here trusts local connections, so the run succeeds; MySQL refuses the password.
      url.password = 'hunter2-in-url'
      return ['seed', '--db', url.href, ...SEED_ARGS, '--log-sql']
    },
    env: () => ({ PGPASSWORD: 'hunter2-in-env', MYSQL_PWD: 'hunter2-in-env' }),
    code: (s) => (s.dialect === 'postgres' ? 0 : 2),
    message: (s) => (s.dialect === 'postgres' ? undefined : /rejected the credentials of user 'root'/),
    secret: 'hunter2',
  },
  {
    name: 'a run and a seed with a canary database named in the URL',
    args: (s) => ['run', '--db', s.db, ...SMALL_RUN, '--out', path.join(s.folder, 'out')],
    code: 0,
  },
]

/** Drops one of delbench's own databases, if it is there. */
async function dropOwn(db: string, name: string): Promise<void> {
  const server = await openServer(parseDatabaseSpec(db))
  try {
    if ((await server.listDatabases()).some((d) => d.name === name && d.marked))
      await server.dropDatabase(name)
  } finally {
    await server.close()
  }
}

/** The state outside delbench's databases that no case may change. */
async function outside(setting: Setting, canary: string, lookalike: string): Promise<string> {
  if (setting.dialect === 'sqlite') {
    const files = fs
      .readdirSync(setting.folder)
      .filter(
        (f) => f.endsWith('.sqlite') && !f.startsWith('delbench_seed_') && !f.startsWith('delbench_run_'),
      )
      .sort()
    return files
      .map(
        (f) =>
          `${f}:${createHash('sha256')
            .update(fs.readFileSync(path.join(setting.folder, f)))
            .digest('hex')}`,
      )
      .join('\n')
  }
  const raw = setting.raw as RawServer
  return `${await raw.fingerprint(canary)} ${await raw.fingerprint(lookalike)}`
}

function expectOutcome(result: CliResult, c: Case, setting: Setting): void {
  const shown = `${c.name}: exit ${result.code}\n${result.stderr}`
  const code = typeof c.code === 'function' ? c.code(setting) : c.code
  const message = typeof c.message === 'function' ? c.message(setting) : c.message
  expect(result.code, shown).toBe(code)
  expect(result.stderr, shown).not.toMatch(/^\s+at /m)
  const errors = lines(result.stderr).filter((l) => l.startsWith('delbench: '))
  if (message) {
    expect(errors, shown).toHaveLength(1)
    expect(errors[0]?.slice('delbench: '.length), shown).toMatch(message)
  } else expect(errors, shown).toEqual([])
  if (c.secret) expect(result.stdout + result.stderr, shown).not.toContain(c.secret)
}

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`what delbench refuses, on ${db.dialect}`, () => {
    const canary = db.dialect === 'sqlite' ? 'app' : `canary_${randomSuffix()}`
    const lookalike = `delbench_lookalike_${randomSuffix()}`
    let setting: Setting
    let before: string

    beforeAll(async () => {
      // Made here, not while the suite is collected (a skipped suite's body runs too).
      const folder = tempFolder('refusals')
      if (db.dialect === 'sqlite') {
        for (const name of [canary, lookalike]) {
          const file = new Database(path.join(folder, `${name}.sqlite`))
          file.exec(
            "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO books VALUES (1, 'precious')",
          )
          file.close()
        }
        setting = { dialect: db.dialect, db: `sqlite:${folder}`, folder, seedName: '' }
      } else {
        const raw = new RawServer(requireUrl(db))
        for (const name of [canary, lookalike]) {
          await raw.createDatabase(name)
          await raw.admin(async (s) => {
            // The scenario's own table names, and (in the look-alike) a marker table that is not delbench's.
            await s.execute('CREATE TABLE books (id INTEGER PRIMARY KEY, title VARCHAR(50))', [])
            await s.execute("INSERT INTO books VALUES (1, 'precious'), (2, 'irreplaceable')", [])
          }, name)
        }
        await raw.admin(async (s) => {
          await s.execute(`CREATE TABLE ${MARKER_TABLE} (marker VARCHAR(64))`, [])
          await s.execute(`INSERT INTO ${MARKER_TABLE} VALUES ('not really')`, [])
        }, lookalike)
        setting = { dialect: db.dialect, db: raw.urlFor(canary), folder, raw, seedName: '' }
      }
      // The seed's name as the command computes it (generator source text is part of it, and differs
      // between the built command and these sources): seed once, note the name, drop it.
      const seeded = await runCli(['seed', '--db', setting.db, ...SEED_ARGS, '--json'])
      const seedName = (JSON.parse(seeded.stdout) as { seededDatabase: string }[])[0]?.seededDatabase ?? ''
      expect(seedName).toMatch(/^delbench_seed_bookstore_/)
      await dropOwn(setting.db, seedName)
      setting = { ...setting, seedName }
      before = await outside(setting, canary, lookalike)
    })

    afterAll(async () => {
      // The seed these cases made (SQLite's folder is a temporary one), while the canary that the
      // --db URL names still exists; then the fixtures.
      if (setting.raw) await dropOwn(setting.db, setting.seedName)
      await setting.raw?.dropDatabase(canary)
      await setting.raw?.dropDatabase(lookalike)
    })

    for (const c of CASES.filter((x) => !x.on || x.on.includes(db.dialect))) {
      it(`${c.name}: the exit status, the one line, nothing else changed`, async () => {
        const undo = await c.setup?.(setting)
        try {
          const result = await runCli(c.args(setting), c.env?.(setting) ?? {})
          expectOutcome(result, c, setting)
        } finally {
          await undo?.()
        }
        expect(await outside(setting, canary, lookalike)).toBe(before)
        if (setting.raw) expect(await setting.raw.databaseExists(lookalike)).toBe(true)
      })
    }
  })
}
