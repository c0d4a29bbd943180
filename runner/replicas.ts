/**
 * `--replica`: which primary each replica belongs to, and opening them checked. A replica that does
 * not answer, or is not a replica of its primary, is refused before any work, in one line (exit 2).
 */
import { ConnectionError, DelbenchError } from '../core/errors.js'
import { parseDatabaseSpec, type DatabaseSpec } from '../db/database-url.js'
import { openServer } from '../db/open-server.js'
import type { ReplicaWatch } from '../db/replication.js'
import { closeReplicas, type ReplicaTarget } from './replication-monitor.js'

/** `N:URL`: the replica of the N-th `--db` (1-based), where several `--db` are of its kind. */
const NUMBERED = /^(\d+):(.*)$/s

/**
 * Pairs each `--replica` with a `--db`: the one `--db` of the same kind, or the N-th `--db` for a
 * replica written `N:URL`. Resolves to the replica URLs of each `--db`, in `--db` order.
 */
export function pairReplicas(databases: readonly DatabaseSpec[], replicas: readonly string[]): string[][] {
  const paired: string[][] = databases.map(() => [])
  for (const value of replicas) {
    const numbered = NUMBERED.exec(value.trim())
    const url = numbered ? (numbered[2] as string) : value
    const spec = parseDatabaseSpec(url)
    let index: number
    if (numbered) {
      index = Number(numbered[1]) - 1
      if (databases[index] === undefined)
        throw new DelbenchError(
          `--replica ${spec.display}: there is no --db number ${numbered[1]} (${databases.length} given)`,
        )
    } else {
      const kind = databases.flatMap((db, i) => (db.dialect === spec.dialect ? [i] : []))
      if (kind.length === 0)
        throw new DelbenchError(`--replica ${spec.display}: no --db of its kind to be the replica of`)
      if (kind.length > 1)
        throw new DelbenchError(
          `--replica ${spec.display}: several --db of its kind; write --replica N:URL for the N-th --db`,
        )
      index = kind[0] as number
    }
    const primary = databases[index] as DatabaseSpec
    if (primary.dialect !== spec.dialect)
      throw new DelbenchError(
        `--replica ${spec.display} is not of the kind of --db ${primary.display}: a replica is of its primary's kind`,
      )
    paired[index]?.push(url)
  }
  return paired
}

/**
 * Opens the replicas of `primary`, each checked: it answers, its dialect can measure replication, and
 * it is a replica of that primary. The caller closes them (`closeReplicas`).
 */
export async function openReplicas(primary: DatabaseSpec, urls: readonly string[]): Promise<ReplicaTarget[]> {
  const opened: ReplicaTarget[] = []
  try {
    for (const url of urls) opened.push(await openReplica(primary, parseDatabaseSpec(url)))
    return opened
  } catch (error) {
    await closeReplicas(opened)
    throw error
  }
}

async function openReplica(primary: DatabaseSpec, spec: DatabaseSpec): Promise<ReplicaTarget> {
  const server = await openServer(spec)
  const probe = server.dialect.replication
  const shown = `--replica ${spec.display}`
  let watch: ReplicaWatch | undefined
  try {
    if (!probe)
      throw new DelbenchError(`${shown}: ${server.dialect.name} has no replication delbench can measure`)
    if (!('address' in primary) || !('address' in spec))
      throw new DelbenchError(`${shown}: replicas need a server URL for both --db and --replica`)
    watch = await probe.watch(primary.address, spec.address).catch((error: unknown) => {
      // Not answering is bad input here (a wrong URL), not a server failing mid-run: exit 2.
      if (error instanceof ConnectionError) throw new DelbenchError(`${shown}: ${error.message}`)
      throw error
    })
    const refusal = await watch.refusal()
    if (refusal) throw new DelbenchError(`${shown} is not a replica of ${primary.display}: ${refusal}`)
    return { display: spec.display, server, watch }
  } catch (error) {
    await watch?.close().catch(() => {})
    await server.close().catch(() => {})
    throw error
  }
}

/** Checks every `--db`'s replicas before any work, then closes them. */
export async function checkReplicas(
  databases: readonly DatabaseSpec[],
  replicas: readonly (readonly string[])[],
): Promise<void> {
  for (const [i, primary] of databases.entries()) {
    const urls = replicas[i] ?? []
    if (urls.length > 0) await closeReplicas(await openReplicas(primary, urls))
  }
}
