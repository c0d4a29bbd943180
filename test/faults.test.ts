/**
 * Faults in the middle of a run, end to end: signals, a strategy's session killed, the server stopped,
 * a SQLite file turned unwritable, a strategy that throws or never ends, two runs at once. Each asserts
 * the exit status, the one-line account of what happened (in the results file or on stderr), that the
 * runs that finished are kept, and that nothing but delbench's own databases was touched.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseDatabaseSpec } from '../db/database-url.js'
import { openServer } from '../db/open-server.js'
import type { RunRecord } from '../core/results-schema.js'
import { RawServer, randomSuffix } from './support/raw-server.js'
import { readValidResults } from './support/results.js'
import { eventually, lines, runCli, spawnCli } from './support/run-cli.js'
import { IN_CI, requireUrl, skipped, TEST_DATABASES } from './support/servers.js'
import { leftBehind, ownDatabases, tempFolder, testStart } from './support/test-server.js'

/** This file's own seed, so no other test file shares (or drops) its seeded databases. */
const SEED = '4343'
const MARK = 'delbench-fault-test'

/**
 * A user strategy that deletes one target per statement with a short, marked sleep between (so a test
 * can find its session and act while it runs).
 */
const SLOW_STRATEGY = `import fs from 'node:fs'
export default {
  name: 'marked-per-row',
  description: 'per-row deletes with a marked pause between, for fault tests',
  async run(ctx) {
    // Under way: a file next to this module says so (see started()).
    fs.writeFileSync(new URL(import.meta.url + '.started'), '')
    const root = ctx.plan.rootStep
    const { rows } = await ctx.run({
      sql: 'SELECT ' + root.primaryKey + ' AS k FROM ' + root.table + ' WHERE ' + ctx.target.where,
      params: ctx.target.params,
    })
    const pause = ctx.dialect.name === 'postgres' ? 'SELECT pg_sleep(0.02) /* ${MARK} */'
      : ctx.dialect.name === 'mysql' ? 'SELECT SLEEP(0.02) /* ${MARK} */' : 'SELECT 1 /* ${MARK} */'
    for (const row of rows) {
      await ctx.run({ sql: pause, params: [] })
      await ctx.run({ sql: 'DELETE FROM ' + root.table + ' WHERE ' + root.primaryKey + ' = ?', params: [row.k] })
      ctx.progress(1)
    }
  },
}
`

const THROWING_STRATEGY = `export default {
  name: 'throws',
  description: 'throws a multi-line error',
  async run() {
    throw new Error('the strategy gave up: no rows for you\\n    at secret (/home/someone/strategy.mjs:1:1)')
  },
}
`

const HANGING_STRATEGY = `export default {
  name: 'hangs',
  description: 'never resolves',
  run: () => new Promise(() => {}),
}
`

function strategyFile(folder: string, name: string, text: string): string {
  const file = path.join(folder, name)
  fs.writeFileSync(file, text)
  return file
}

/** Whether the slow strategy written to `file` has started its run (it leaves `<file>.started`). */
const started = (file: string) => async () => (fs.existsSync(`${file}.started`) ? true : undefined)

/** The one run of a results file. */
function onlyRun(file: string): RunRecord {
  const document = readValidResults(file)
  expect(document.runs).toHaveLength(1)
  return document.runs[0] as RunRecord
}

/** The session of the marked strategy on a server, found by the marker in its statement. */
async function markedSession(raw: RawServer): Promise<number | undefined> {
  const sql =
    raw.dialect === 'postgres'
      ? `SELECT pid AS id FROM pg_stat_activity WHERE query LIKE '%${MARK}%' AND pid <> pg_backend_pid()`
      : `SELECT ID AS id FROM information_schema.PROCESSLIST WHERE INFO LIKE '%${MARK}%' AND ID <> CONNECTION_ID()`
  const { rows } = await raw.admin((s) => s.execute(sql, []))
  return rows[0] ? Number(rows[0].id) : undefined
}

const RUN_ARGS = [
  '--scenario',
  'bookstore',
  '--scale',
  '0.02',
  '--seed',
  SEED,
  '--iterations',
  '1',
  '--no-traffic',
]

/** `delbench run` of `strategies` on bookstore, one iteration, results in `out`, with a budget. */
function runArgs(db: string, strategies: string, out: string, timeout = '120'): string[] {
  return ['run', '--db', db, ...RUN_ARGS, '--strategy', strategies, '--timeout', timeout, '--out', out]
}

for (const db of TEST_DATABASES) {
  const onServer = db.dialect !== 'sqlite'
  describe.skipIf(skipped(db))(`faults mid-run on ${db.dialect}`, () => {
    const canary = `canary_${randomSuffix()}`
    let canaryBefore = ''
    // Set up in beforeAll, not while the suite is collected: a skipped suite's body runs too, and
    // must neither demand a URL nor make folders.
    let folder = ''
    let value = ''
    let raw: RawServer | undefined
    const rawServer = (): RawServer => {
      if (!raw) throw new Error('the test server is not set up yet')
      return raw
    }

    beforeAll(async () => {
      folder = tempFolder('faults')
      value = onServer ? requireUrl(db) : `sqlite:${folder}`
      if (!onServer) return
      raw = new RawServer(value)
      await raw.createDatabase(canary)
      await raw.admin(async (s) => {
        await s.execute('CREATE TABLE books (id INTEGER PRIMARY KEY, title VARCHAR(50))', [])
        await s.execute("INSERT INTO books VALUES (1, 'precious')", [])
      }, canary)
      canaryBefore = await raw.fingerprint(canary)
    })
    afterAll(async () => {
      await raw?.dropDatabase(canary)
    })
    /** The --db value: the canary named as the admin database, on servers. */
    const dbArg = () => (raw ? raw.urlFor(canary) : value)
    const canaryUnchanged = async () => {
      if (raw) expect(await raw.fingerprint(canary)).toBe(canaryBefore)
    }

    it('SIGTERM stops the current run, keeps the finished one, exit 130, no copy left', async () => {
      const out = tempFolder('sigterm')
      const began = testStart()
      const slow = strategyFile(folder, 'slow-sigterm.mjs', SLOW_STRATEGY)
      const run = spawnCli(runArgs(dbArg(), `naive-bulk,${slow}`, out))
      const resultsFile = path.join(out, 'results.json')
      await eventually(async () => (fs.existsSync(resultsFile) ? true : undefined), 'the first run')
      await eventually(started(slow), 'the second run’s strategy to start')
      run.child.kill('SIGTERM')
      expect(await run.exited).toBe(130)
      expect(lines(run.output.stderr).filter((l) => l.startsWith('delbench: '))).toEqual([
        'delbench: interrupted; the runs that finished are in the results file',
      ])
      const document = readValidResults(resultsFile)
      expect(document.environment.interrupted).toBe(true)
      expect(document.runs.map((r) => `${r.strategy} ${r.status}`)).toEqual(['naive-bulk ok'])
      expect(await leftBehind(value, 'delbench_run_', began)).toEqual([])
      await canaryUnchanged()
    })

    it('a strategy that throws is recorded failed with the first line of its error; the command succeeds', async () => {
      const out = tempFolder('throws')
      const result = await runCli(
        runArgs(dbArg(), strategyFile(folder, 'throws.mjs', THROWING_STRATEGY), out),
      )
      expect(result.code, result.stderr).toBe(0)
      const run = onlyRun(path.join(out, 'results.json'))
      expect(run.status).toBe('failed')
      expect(run.error).toBe('the strategy gave up: no rows for you')
      expect(result.stdout + result.stderr).not.toContain('/home/someone')
      await canaryUnchanged()
    })

    it('a strategy that never resolves is stopped by its budget and recorded as a timeout', async () => {
      const out = tempFolder('hangs')
      const began = testStart()
      const result = await runCli(
        runArgs(dbArg(), strategyFile(folder, 'hangs.mjs', HANGING_STRATEGY), out, '3'),
      )
      expect(result.code, result.stderr).toBe(0)
      const run = onlyRun(path.join(out, 'results.json'))
      expect(run.status).toBe('timeout')
      expect(run.error).toBe('stopped after the 3 s budget')
      expect(await leftBehind(value, 'delbench_run_', began)).toEqual([])
      await canaryUnchanged()
    })

    it('two runs at once on the same server: one seeds, the other waits and reuses; both finish', async () => {
      const seed = String(50_000 + Math.floor(Math.random() * 10_000))
      const args = (out: string) => [
        'run',
        '--db',
        dbArg(),
        '--scenario',
        'bookstore',
        '--scale',
        '0.01',
        '--seed',
        seed,
        '--strategy',
        'batched,naive-bulk',
        '--iterations',
        '2',
        '--no-traffic',
        '--out',
        out,
      ]
      const outs = [tempFolder('concurrent-a'), tempFolder('concurrent-b')]
      const began = testStart()
      const [a, b] = await Promise.all(outs.map((out) => runCli(args(out))))
      for (const result of [a, b]) expect(result?.code, result?.stderr).toBe(0)
      for (const out of outs)
        expect(readValidResults(path.join(out, 'results.json')).runs.map((r) => r.status)).toEqual([
          'ok',
          'ok',
        ])
      // One seeded database for the two, and no working copy left behind by either.
      const seeds = await ownDatabases(value, 'delbench_seed_bookstore_')
      const server = await openServer(parseDatabaseSpec(value))
      try {
        const mine = []
        for (const name of seeds) {
          const conn = await server.openDatabase(name)
          const { rows } = await conn.query('SELECT seed FROM delbench_seed')
          await conn.close()
          if (String(rows[0]?.seed) === seed) mine.push(name)
        }
        expect(mine).toHaveLength(1)
        for (const name of mine) await server.dropDatabase(name)
      } finally {
        await server.close()
      }
      expect(await leftBehind(value, 'delbench_run_', began)).toEqual([])
      await canaryUnchanged()
    })

    if (onServer)
      it(`the strategy's session killed mid-run (${db.dialect === 'postgres' ? 'pg_terminate_backend' : 'KILL'}) is recorded failed in one line`, async () => {
        const server = rawServer()
        const out = tempFolder('killed')
        const began = testStart()
        const run = spawnCli(runArgs(dbArg(), strategyFile(folder, 'slow.mjs', SLOW_STRATEGY), out))
        const session = await eventually(() => markedSession(server), 'the strategy’s session')
        await server.admin((s) =>
          s.execute(
            server.dialect === 'postgres' ? 'SELECT pg_terminate_backend($1)' : `KILL ${session}`,
            server.dialect === 'postgres' ? [session] : [],
          ),
        )
        expect(await run.exited, run.output.stderr).toBe(0)
        const record = onlyRun(path.join(out, 'results.json'))
        expect(record.status).toBe('failed')
        expect(record.error).toMatch(
          /terminating connection due to administrator command|Connection was killed|connection.*(closed|terminated)/i,
        )
        expect(record.error).not.toContain('\n')
        expect(run.output.stderr).not.toMatch(/^\s+at /m)
        expect(await leftBehind(value, 'delbench_run_', began)).toEqual([])
        await canaryUnchanged()
      })

    if (!onServer)
      it('a SQLite file turned unwritable mid-run is recorded failed in one line; the command succeeds', async () => {
        const out = tempFolder('readonly')
        const run = spawnCli(runArgs(value, strategyFile(folder, 'slow.mjs', SLOW_STRATEGY), out))
        // The working copy, made immutable (as a full or read-only disk would leave it) once it exists.
        const working = await eventually(async () => {
          const file = fs
            .readdirSync(folder)
            .find((f) => f.startsWith('delbench_run_') && f.endsWith('.sqlite'))
          return file ? path.join(folder, file) : undefined
        }, 'the working copy')
        execFileSync('chattr', ['+i', working])
        try {
          expect(await run.exited, run.output.stderr).toBe(0)
        } finally {
          execFileSync('chattr', ['-i', working])
        }
        const record = onlyRun(path.join(out, 'results.json'))
        expect(record.status).toBe('failed')
        expect(record.error).toMatch(/readonly|read-only|I\/O|unable to open|permitted/i)
        expect(record.error).not.toContain('\n')
        fs.rmSync(working, { force: true })
      })
  })
}

/** PostgreSQL's own binaries, for a private cluster a test may stop. */
function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql'
  const version = fs.existsSync(root) ? fs.readdirSync(root).sort().at(-1) : undefined
  const bin = version && path.join(root, version, 'bin')
  return bin && fs.existsSync(path.join(bin, 'pg_ctl')) ? bin : undefined
}

const PG_BIN = postgresBin()
if (!PG_BIN && !IN_CI)
  console.warn(
    '[delbench tests] server-stopped test SKIPPED: needs PostgreSQL binaries in /usr/lib/postgresql',
  )

describe.skipIf(!PG_BIN && !IN_CI)('the server stopped mid-run', () => {
  let data = ''
  // Below Linux's ephemeral range (32768–60999): a port there may be held by one of the thousands of
  // client connections the other test files make, and the server could not bind it (seen in CI).
  let port = 0
  const asPostgres = (command: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', path.join(PG_BIN ?? '', command), ...args], {
      stdio: 'pipe',
    })

  beforeAll(() => {
    if (!PG_BIN) throw new Error('PostgreSQL binaries are missing in /usr/lib/postgresql')
    data = tempFolder('private-pg')
    execFileSync('chown', ['postgres', data])
    asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
    // Another process may hold a port even there: three ports tried, the server's own reason kept.
    for (let attempt = 1; ; attempt++) {
      port = 21_000 + Math.floor(Math.random() * 9000)
      try {
        asPostgres('pg_ctl', [
          '-D',
          data,
          '-o',
          `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off`,
          '-l',
          path.join(data, 'log'),
          '-w',
          'start',
        ])
        return
      } catch (error) {
        const file = path.join(data, 'log')
        const log = fs.existsSync(file)
          ? fs.readFileSync(file, 'utf8').trim().split('\n').slice(-3).join(' | ')
          : 'none written'
        if (attempt === 3) throw new Error(`${(error as Error).message.trim()}; server log: ${log}`)
      }
    }
  }, 60_000)
  afterAll(() => {
    if (data === '') return
    try {
      asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', 'stop'])
    } catch {
      // Stopped by the test already.
    }
    fs.rmSync(data, { recursive: true, force: true })
  })

  it('records the run failed in one line, keeps the results file, and ends without a stack trace', async () => {
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`
    const raw = new RawServer(url)
    const folder = tempFolder('stopped')
    const out = tempFolder('stopped-out')
    const run = spawnCli(runArgs(url, `naive-bulk,${strategyFile(folder, 'slow.mjs', SLOW_STRATEGY)}`, out))
    await eventually(() => markedSession(raw), 'the strategy’s session')
    asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', 'stop'])
    const code = await run.exited
    // The failed run is a finding (0); a server gone before the end may also end the command (1).
    expect([0, 1], run.output.stderr).toContain(code)
    expect(run.output.stderr).not.toMatch(/^\s+at /m)
    const errors = lines(run.output.stderr).filter((l) => l.startsWith('delbench: '))
    expect(errors.length).toBeLessThanOrEqual(1)
    const document = readValidResults(path.join(out, 'results.json'))
    expect(document.runs[0]?.status).toBe('ok')
    const stopped = document.runs[1]
    expect(stopped?.status).toBe('failed')
    expect(stopped?.error).toMatch(/terminat|shut ?down|connection|ECONNRESET|closed/i)
    expect(stopped?.error).not.toContain('\n')
  })
})
