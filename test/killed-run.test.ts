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
      expect((await copies(value)).map((d) => d.name)).toContain(mine.name)

      const next = await runCli(runArgs(value, 'naive-bulk', tempFolder('killed-run-out')))
      expect(next.code, next.stderr).toBe(0)
      expect(next.stderr).toMatch(
        new RegExp(`dropped ${mine.name}, left by a delbench process that is gone \\(process ${owner} on `),
      )
      expect((await copies(value)).map((d) => d.name)).not.toContain(mine.name)
    })

    it('a seed half-built by a killed process is dropped by the next reclaim, never while it lives', async () => {
      const value = dbValue(db)
      const name = `delbench_seed_killed_${process.pid}_${Date.now().toString(36)}`
      // A process that creates the seed's database (as the seeder does first) and is killed loading it.
      const seeding = spawn(process.execPath, ['--input-type=module', '-e', seedingScript(value, name)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      let said = ''
      seeding.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()))
      await eventually(async () => (said.includes('created') ? true : undefined), 'the seed under way')
      const server = await openServer(parseDatabaseSpec(value))
      try {
        // While it lives, nothing reclaims it.
        expect((await server.reclaimAbandoned()).map((d) => d.name)).not.toContain(name)
        seeding.kill('SIGKILL')
        await new Promise((resolve) => seeding.once('exit', resolve))
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

/** A script that creates the marked database `name` on `db`, says so, and waits to be killed. */
function seedingScript(db: string, name: string): string {
  return `import { openServer } from ${JSON.stringify(OPEN_SERVER)}
import { parseDatabaseSpec } from ${JSON.stringify(DATABASE_URL)}
const server = await openServer(parseDatabaseSpec(${JSON.stringify(db)}))
await server.createDatabase(${JSON.stringify(name)}, 'seed under way')
console.log('created')
setInterval(() => {}, 1000)
`
}
