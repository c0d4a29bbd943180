import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DelbenchError } from '../core/errors.js'

/**
 * The single-runner lock where the database has no advisory locks: a file created exclusively, holding
 * the owner's pid. It keeps runs on this machine apart; a lock left by a process that no longer runs is
 * taken over.
 */
export async function acquireLockFile(name: string): Promise<() => Promise<void>> {
  const file = path.join(os.tmpdir(), `delbench-lock-${name.replace(/[^a-zA-Z0-9_.-]/g, '_')}.lock`)
  const release = await tryLockFile(file)
  if (!release) {
    const owner = await fs.promises.readFile(file, 'utf8').catch(() => '?')
    throw new DelbenchError(
      `another cleanup holds the lock ${name} (process ${owner}): two cleanups must not overlap`,
    )
  }
  return release
}

/**
 * Creates `file` exclusively with this process's pid and resolves to its removal, or to undefined while
 * a running process holds it. A file whose process is gone is stale: it is taken over.
 */
export async function tryLockFile(file: string): Promise<(() => Promise<void>) | undefined> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.promises.writeFile(file, String(process.pid), { flag: 'wx' })
      return async () => fs.promises.rm(file, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number(await fs.promises.readFile(file, 'utf8').catch(() => ''))
      if (owner > 0 && owner !== process.pid && processRuns(owner)) return undefined
      await fs.promises.rm(file, { force: true })
    }
  }
  throw new DelbenchError(`cannot take the lock file ${file}`)
}

/** Whether a process of this machine runs (one of another user's answers EPERM: it runs). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
