import { bindPlaceholders } from '../../db/placeholders.js'
import type { DatabaseServer } from '../../db/database-server.js'
import { scalar } from '../../db/scalar.js'
import type { Scenario } from '../../scenarios/scenario.js'
import { rowCounts } from '../../scenarios/row-counts.js'

/** Small scales at which each built-in seeds in about a second on every database. */
export const SMALL_SCALE: Readonly<Record<string, number>> = {
  'job-history': 0.01,
  bookstore: 0.01,
  'error-log': 0.002,
  library: 0.02,
}

/** How many rows of the root table the scenario's target selects in a seeded database. */
export async function countTargets(
  server: DatabaseServer,
  database: string,
  scenario: Scenario,
  scale: number,
): Promise<number> {
  const conn = await server.openDatabase(database)
  try {
    const env = { scale, referenceMs: Date.parse(scenario.referenceTime), counts: rowCounts(scenario, scale) }
    const sql = bindPlaceholders(
      `SELECT COUNT(*) FROM ${server.dialect.adapter.quote(scenario.target.table)} WHERE ${scenario.target.where}`,
      server.dialect.adapter,
    )
    return Number(await scalar(conn, sql, scenario.target.params?.(env) ?? []))
  } finally {
    await conn.close()
  }
}
