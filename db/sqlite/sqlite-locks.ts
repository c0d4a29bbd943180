import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DelbenchError } from '../../core/errors.js'

/**
 * SQLite has no advisory locks: the single-runner lock is a file created exclusively, holding the
 * owner's pid. A lock left by a process that no longer runs is taken over.
 */
export async function acquireSqliteLock(name: string): Promise<() => Promise<void>> {
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

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** SQLITE_BUSY / SQLITE_LOCKED: another connection holds the write lock. */
export function isSqliteRetryable(error: unknown): boolean {
  const code = String((error as { code?: unknown })?.code ?? '')
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')
}
