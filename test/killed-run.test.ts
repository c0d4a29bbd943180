/**
 * A run killed with SIGKILL (the OOM killer, a CI timeout) leaves its working copy behind; the next run
 * on that server drops it, and never a live run's: each copy records its owner and the owner holds a
 * liveness lock (an advisory lock, GET_LOCK, a lock file) for the copy's life.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseDatabaseSpec } from '../db/database-url.js'
import { openServer } from '../db/open-server.js'
import type { OwnDatabase } from '../db/database-server.js'
import { processRuns } from '../db/lock-file.js'
import { eventually, runCli, spawnCli } from './support/run-cli.js'
import { requireUrl, skipped, TEST_DATABASES, type TestDatabase } from './support/servers.js'
import { RawServer, randomSuffix } from './support/raw-server.js'
import { tempFolder } from './support/test-server.js'

/** This file's own seed, so no other test file shares its seeded databases. */
const SEED = '2020'

/** A strategy that says it has started (a file beside it) and then never ends: a run mid-iteration. */
const HANGING = `import { spawn } from 'node:child_process'
import fs from 'node:fs'
export default {
  name: 'hangs-mid-iteration',
  description: 'starts and never ends, for kill tests',
  run() {
    fs.writeFileSync(new URL(import.meta.url + '.started'), '')
    return new Promise(() => {})
  },
}
`

function runArgs(db: string, strategy: string, out: string): string[] {
  return [
    'run',
    '--db',
    db,
    '--scenario',
    'bookstore',
    '--scale',
    '0.01',
    '--seed',
    SEED,
    '--iterations',
    '1',
    '--no-traffic',
    '--strategy',
    strategy,
    '--timeout',
    '300',
    '--out',
    out,
  ]
}

/** delbench's databases on `db` whose names start with `prefix`, with their owners. */
async function copies(db: string, prefix = 'delbench_run_'): Promise<OwnDatabase[]> {
  const server = await openServer(parseDatabaseSpec(db))
  try {
    return (await server.listDatabases()).filter((d) => d.name.startsWith(prefix))
  } finally {
    await server.close()
  }
}

function dbValue(db: TestDatabase): string {
  return db.dialect === 'sqlite' ? `sqlite:${tempFolder('killed-run')}` : requireUrl(db)
}

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`a killed run's working copies on ${db.dialect}`, () => {
    it('survive while their run lives (another run and clean leave them), and go with the next run once it is killed', async () => {
      const value = dbValue(db)
      const folder = tempFolder('killed-run-strategy')
      const hanging = path.join(folder, 'hangs.mjs')
      fs.writeFileSync(hanging, HANGING)
      const live = spawnCli(runArgs(value, hanging, tempFolder('killed-run-out')))
      await eventually(
        async () => (fs.existsSync(`${hanging}.started`) ? true : undefined),
        'the run to be mid-iteration',
        90_000,
      )
      // Its copy, among others' on a shared server: the one owned by the live run's child.
      const mine = await eventually(async () => {
        const found = (await copies(value)).filter((d) => d.owner && processRuns(d.owner.pid))
        return found.find((d) => d.owner && isChildOf(d.owner.pid, live.child.pid ?? -1))
      }, "the live run's working copy")

      // A second run on the same server reclaims nothing of the live one's.
      const second = await runCli(runArgs(value, 'naive-bulk', tempFolder('killed-run-out')))
      expect(second.code, second.stderr).toBe(0)
      expect(second.stderr).not.toContain(mine.name)
      expect((await copies(value)).map((d) => d.name)).toContain(mine.name)
      if (db.dialect === 'sqlite') {
        const clean = await runCli(['clean', '--db', value])
        expect(clean.code, clean.stderr).toBe(0)
        expect(clean.stdout).toMatch(new RegExp(`left ${mine.name} alone: a running delbench uses it`))
        expect((await copies(value)).map((d) => d.name)).toContain(mine.name)
      }

      // Killed as the OOM killer or a CI timeout does: no handler runs, the copy stays behind.
      const owner = mine.owner?.pid ?? -1
      live.child.kill('SIGKILL')
      process.kill(owner, 'SIGKILL')
      await live.exited
      await eventually(async () => (processRuns(owner) ? undefined : true), "the run's child to end")
      // On a shared server another test file's run, starting now, may reclaim it first (its owner is gone:
      // the same rule); in SQLite's own folder nothing else can.
      const stayed = (await copies(value)).some((d) => d.name === mine.name)
      if (db.dialect === 'sqlite') expect(stayed).toBe(true)

      const next = await runCli(runArgs(value, 'naive-bulk', tempFolder('killed-run-out')))
      expect(next.code, next.stderr).toBe(0)
      if (stayed)
        expect(next.stderr).toMatch(
          new RegExp(`dropped ${mine.name}, left by a delbench process that is gone \\(process ${owner} on `),
        )
      expect((await copies(value)).map((d) => d.name)).not.toContain(mine.name)
    })

    it.skipIf(db.dialect === 'sqlite')(
      'a process naming another database in its URL reclaims nothing a live one owns',
      async () => {
        // PostgreSQL's advisory locks belong to one database: a process whose URL names another would
        // have found a live owner's liveness lock free (seen in CI: a run's probe database dropped under it).
        const value = dbValue(db)
        const raw = new RawServer(value)
        const canary = `canary_${randomSuffix()}`
        await raw.createDatabase(canary)
        const name = `delbench_seed_elsewhere_${process.pid}_${Date.now().toString(36)}`
        const creator = await startCreator(value, name)
        try {
          const other = await openServer(parseDatabaseSpec(raw.urlFor(canary)))
          try {
            expect((await other.reclaimAbandoned()).map((d) => d.name)).not.toContain(name)
          } finally {
            await other.close()
          }
          expect((await copies(value, name)).map((d) => d.name)).toEqual([name])
        } finally {
          await creator.kill()
          const server = await openServer(parseDatabaseSpec(value))
          try {
            await eventually(async () => {
              await server.reclaimAbandoned()
              return (await server.listDatabases(name)).length === 0 ? true : undefined
            }, 'the database to be reclaimed once its creator is gone')
          } finally {
            await server.close()
          }
          await raw.dropDatabase(canary)
        }
      },
    )

    // Only in a folder of its own: on a shared server, clean would drop other test files' kept seeds.
    it.skipIf(db.dialect !== 'sqlite')(
      'clean leaves a database whose live creator has not recorded itself yet, and drops it once it is gone',
      async () => {
        const value = dbValue(db)
        const name = `delbench_seed_unowned_${process.pid}_${Date.now().toString(36)}`
        const creator = await startCreator(value, name, false)
        try {
          const first = await runCli(['clean', '--db', value])
          expect(first.code, first.stderr).toBe(0)
          expect(first.stdout).toContain(`left ${name} alone: a running delbench is creating it`)
          expect((await copies(value, name)).map((d) => d.name)).toEqual([name])
        } finally {
          await creator.kill()
        }
        const second = await eventually(async () => {
          const result = await runCli(['clean', '--db', value])
          return result.stdout.includes(`dropped ${name}`) ? result : undefined
        }, 'clean to drop it once its creator is gone')
        expect(second.code, second.stderr).toBe(0)
        expect(await copies(value, name)).toEqual([])
      },
    )

    it('a seed half-built by a killed process is dropped by the next reclaim, never while it lives', async () => {
      const value = dbValue(db)
      const name = `delbench_seed_killed_${process.pid}_${Date.now().toString(36)}`
      // A process that creates the seed's database (as the seeder does first) and is killed loading it.
      const seeding = await startCreator(value, name)
      const server = await openServer(parseDatabaseSpec(value))
      try {
        // While it lives, nothing reclaims it.
        expect((await server.reclaimAbandoned()).map((d) => d.name)).not.toContain(name)
        await seeding.kill()
        const reclaimed = await eventually(async () => {
          const dropped = await server.reclaimAbandoned()
          return dropped.some((d) => d.name === name) ? dropped : undefined
        }, 'the half-built seed to be reclaimed')
        expect(reclaimed.find((d) => d.name === name)?.owner.pid).toBe(seeding.pid)
        expect((await server.listDatabases()).map((d) => d.name)).not.toContain(name)
      } finally {
        await server.close()
      }
    })
  })
}

/** Whether `pid`'s parent is `parent` (Linux: the fourth field of /proc/<pid>/stat). */
function isChildOf(pid: number, parent: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent
  } catch {
    return false
  }
}

const OPEN_SERVER = new URL('../dist/db/open-server.js', import.meta.url).href
const DATABASE_URL = new URL('../dist/db/database-url.js', import.meta.url).href

const OWNERSHIP = new URL('../dist/db/ownership.js', import.meta.url).href

/**
 * A script that creates the marked database `name` on `db`, says so, and waits to be killed. Without
 * `ownerRecorded` it then removes its owner record, as a database is between its creation (or a copy of
 * an owner-less seed) and its owner's record: marked, no owner, its liveness lock held.
 */
function seedingScript(db: string, name: string, ownerRecorded = true): string {
  return `import { openServer } from ${JSON.stringify(OPEN_SERVER)}
import { parseDatabaseSpec } from ${JSON.stringify(DATABASE_URL)}
import { clearOwner } from ${JSON.stringify(OWNERSHIP)}
const server = await openServer(parseDatabaseSpec(${JSON.stringify(db)}))
await server.createDatabase(${JSON.stringify(name)}, 'seed under way')
if (${String(!ownerRecorded)}) {
  const conn = await server.openDatabase(${JSON.stringify(name)})
  await clearOwner(conn)
  await conn.close()
}
console.log('created')
setInterval(() => {}, 1000)
`
}

/** Runs `seedingScript` in a process of its own, once it has created the database: its pid, and a kill. */
async function startCreator(
  db: string,
  name: string,
  ownerRecorded = true,
): Promise<{ readonly pid: number | undefined; kill(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', seedingScript(db, name, ownerRecorded)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const kill = async () => {
    child.kill('SIGKILL')
    await exited
  }
  let said = ''
  child.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()))
  await eventually(async () => (said.includes('created') ? true : undefined), 'the database under way').catch(
    async (error: unknown) => {
      await kill()
      throw error
    },
  )
  return { pid: child.pid, kill }
}
