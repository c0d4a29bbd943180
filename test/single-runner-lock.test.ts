import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { InstrumentedConnection } from '../db/instrumented-connection.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { useScratchDatabase } from './support/test-server.js'

/** Runs `fn` with two connections on the scratch database, closing both after. */
async function withTwo(
  scratch: { open(): Promise<InstrumentedConnection> },
  fn: (a: InstrumentedConnection, b: InstrumentedConnection) => Promise<void>,
): Promise<void> {
  const a = await scratch.open()
  const b = await scratch.open()
  try {
    await fn(a, b)
  } finally {
    await a.close()
    await b.close()
  }
}

/** Where `acquireLockFile` keeps the lock named `name`. */
const lockFile = (name: string) => path.join(os.tmpdir(), `delbench-lock-${name}.lock`)

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`the single-runner lock on ${db.dialect}`, () => {
    const scratch = useScratchDatabase(db, 'runner_lock')

    // SQLite's lock is a file, which keeps out other processes (a second session of this process
    // takes it over as its own): the server's lock is tested here.
    it.skipIf(db.dialect === 'sqlite')(
      'on a server with advisory locks, keeps a second session out while the first holds it',
      async () => {
        const { dialect } = scratch.server
        const { capabilities } = await scratch.server.describe()
        expect(capabilities.advisoryLock).toBe(true)
        const name = `${scratch.name}_held`
        await withTwo(scratch, async (a, b) => {
          const release = await dialect.acquireLock(a, name, capabilities)
          await expect(dialect.acquireLock(b, name, capabilities)).rejects.toThrow(/must not overlap/)
          await release()
          await (
            await dialect.acquireLock(b, name, capabilities)
          )()
        })
      },
    )

    it('is a lock file on this machine where the capabilities say the server has no advisory locks', async () => {
      const { dialect } = scratch.server
      const name = `${scratch.name}_file`
      await withTwo(scratch, async (a, b) => {
        const release = await dialect.acquireLock(a, name, { advisoryLock: false })
        try {
          expect(fs.readFileSync(lockFile(name), 'utf8')).toBe(String(process.pid))
          // No server lock was taken: another session takes the server's lock of the same name.
          if (dialect.advisoryLockSql) await (await dialect.acquireLock(b, name, { advisoryLock: true }))()
        } finally {
          await release()
        }
        expect(fs.existsSync(lockFile(name))).toBe(false)
      })
    })
  })
}
