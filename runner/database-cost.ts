/**
 * What a deletion costs the database itself: log written, and the tables' size before, after, and
 * after reclaiming the space. Measured on a connection of its own, so none of it is counted as the
 * strategy's statements.
 */
import type { DatabaseServer } from '../db/database-server.js'
import type { RunRecord } from '../core/results-schema.js'
import type { DeletionPlan } from '../scenarios/deletion-plan.js'

/** The cost figures of a run's first iteration, as the results file holds them. */
export type DatabaseCost = NonNullable<RunRecord['databaseCost']>

/** The figures read before the deletion, which the ones after are compared with. */
export interface CostBaseline {
  /** The tables the plan deletes from, whose sizes are compared. */
  readonly tables: readonly string[]
  /** The log counter before the deletion, or null where the database has none. */
  readonly logBytes: number | null
  readonly tableBytes: number
}

/** Reads the log counter and the plan's tables' size on the working copy, before the deletion. */
export async function costBaseline(
  server: DatabaseServer,
  working: string,
  plan: DeletionPlan,
): Promise<CostBaseline> {
  const tables = [...new Set(plan.steps.map((s) => s.table))]
  const probe = server.dialect.cost
  const conn = await server.openDatabase(working)
  try {
    return { tables, logBytes: await probe.logBytes(conn), tableBytes: await probe.tableBytes(conn, tables) }
  } finally {
    await conn.close()
  }
}

/** After the deletion: log written since the baseline, sizes now, then reclaims the space and sizes again. */
export async function databaseCost(
  server: DatabaseServer,
  working: string,
  baseline: CostBaseline,
): Promise<DatabaseCost> {
  const { tables } = baseline
  const probe = server.dialect.cost
  const conn = await server.openDatabase(working)
  try {
    const log = await probe.logBytes(conn)
    const after = await probe.tableBytes(conn, tables)
    const reclaim = probe.reclaimSql(tables)
    const started = performance.now()
    for (const sql of reclaim) await conn.query(sql)
    const reclaimSeconds = (performance.now() - started) / 1000
    return {
      logBytes: log === null || baseline.logBytes === null ? null : Math.max(0, log - baseline.logBytes),
      tableBytesBefore: baseline.tableBytes,
      tableBytesAfter: after,
      tableBytesAfterReclaim: await probe.tableBytes(conn, tables),
      reclaimSeconds,
      reclaim: reclaim.join('; '),
      note: probe.note,
    }
  } finally {
    await conn.close()
  }
}
