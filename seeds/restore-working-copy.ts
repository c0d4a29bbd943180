import type { DatabaseServer } from '../db/database-server.js'
import type { TableSpec } from '../core/table-spec.js'

/** How a working copy was brought back to the seeded state, and how long it took (never strategy time). */
export interface RestoreResult {
  /** `clone`: a fresh full copy (template, file copy or table copy); `refresh`: repaired in place. */
  readonly method: 'clone' | 'refresh'
  readonly seconds: number
}

/**
 * Seed once, restore many: makes `working` an exact copy of the pristine seeded database. Where the
 * dialect can repair a used copy in place (MySQL, whose full copies cost as much as seeding) that is
 * tried first and proven by checksums; otherwise, or if the repair cannot be proven, the copy is dropped
 * and cloned afresh (a PostgreSQL template copy, a SQLite file copy).
 */
export async function restoreWorkingCopy(
  server: DatabaseServer,
  pristine: string,
  working: string,
  tables: readonly TableSpec[],
): Promise<RestoreResult> {
  const started = performance.now()
  const exists = (await server.listDatabases()).some((d) => d.name === working && d.marked)
  if (exists && server.canRefresh && (await server.refreshDatabase(pristine, working, tables))) {
    return { method: 'refresh', seconds: (performance.now() - started) / 1000 }
  }
  if (exists) await server.dropDatabase(working)
  await server.cloneDatabase(pristine, working)
  return { method: 'clone', seconds: (performance.now() - started) / 1000 }
}
