import type { DatabaseServer } from '../db/database-server.js'
import type { TableSpec } from '../core/table-spec.js'
import type { CopyMethod } from '../db/dialect.js'

/** How a working copy was brought back to the seeded state, and how long it took (never strategy time). */
export interface RestoreResult {
  /**
   * `clone`: a fresh full copy (template, file copy or table copy); `refresh`: repaired in place row by
   * row; `tablespace`: the pristine table files copied in (MySQL on a server whose files are reachable).
   */
  readonly method: CopyMethod
  readonly seconds: number
}

/**
 * Seed once, restore many: makes `working` an exact copy of the pristine seeded database. Where the
 * dialect can bring a used copy back in place (MySQL, whose copies by SQL cost as much as seeding: its
 * table files copied in, or a small change repaired row by row and proven by checksums) that is tried
 * first; otherwise, or if that cannot be proven, the copy is dropped and cloned afresh (a PostgreSQL
 * template copy, a SQLite file copy, MySQL's table files or rows).
 */
export async function restoreWorkingCopy(
  server: DatabaseServer,
  pristine: string,
  working: string,
  tables: readonly TableSpec[],
): Promise<RestoreResult> {
  const started = performance.now()
  const exists = (await server.listDatabases(working)).some((d) => d.name === working && d.marked)
  const refreshed =
    exists && server.canRefresh ? await server.refreshDatabase(pristine, working, tables) : undefined
  if (refreshed) return { method: refreshed, seconds: (performance.now() - started) / 1000 }
  if (exists) await server.dropDatabase(working)
  const method = await server.cloneDatabase(pristine, working)
  return { method, seconds: (performance.now() - started) / 1000 }
}
