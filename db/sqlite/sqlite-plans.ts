import { scannedTables, type QueryPlanner } from '../query-plans.js'

export const sqlitePlans: QueryPlanner = {
  explain: async (session, sql, params) => {
    const { rows } = await session.probe<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)
    const text = rows.map((r) => r.detail).join('\n')
    // `SCAN t` reads the table whole; `SCAN t USING [COVERING] INDEX` walks an index, `SEARCH` seeks.
    return { text, fullScans: scannedTables(text, /^SCAN (\S+)(?! USING)\s*$/gm) }
  },
}
