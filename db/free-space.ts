import fs from 'node:fs'
import path from 'node:path'

/** Hosts whose data directory is on this machine's disks. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]'])

export function isLocalHost(host: string): boolean {
  return LOCAL_HOSTS.has(host.toLowerCase()) || host.startsWith('/')
}

/**
 * Bytes free to an unprivileged writer on the file system holding `dir` (or its nearest existing
 * parent), or undefined when it cannot be read from here.
 */
export function freeBytesAt(dir: string): number | undefined {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    try {
      const stats = fs.statfsSync(at)
      return stats.bavail * stats.bsize
    } catch {
      if (path.dirname(at) === at) return undefined
    }
  }
}

/**
 * Bytes free in a server's data directory when the server runs on this machine (`Provisioner.onThisMachine`)
 * and tells where that is (`readDirectory` resolves to undefined, or rejects, where the user may not know).
 */
export async function serverFreeBytes(
  onThisMachine: boolean,
  readDirectory: () => Promise<string | null | undefined>,
): Promise<number | undefined> {
  if (!onThisMachine) return undefined
  const dir = await readDirectory().catch(() => undefined)
  return dir ? freeBytesAt(dir) : undefined
}
