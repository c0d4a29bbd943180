import { scannedTables, type QueryPlanner } from '../query-plans.js'

export const postgresPlans: QueryPlanner = {
  explain: async (session, sql, params) => {
    // Plain EXPLAIN plans with the parameters bound and executes nothing.
    const { rows } = await session.probe<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)
    const text = rows.map((r) => r['QUERY PLAN']).join('\n')
    return { text, fullScans: scannedTables(text, /Seq Scan on ("[^"]+"|\S+)/g) }
  },
}
