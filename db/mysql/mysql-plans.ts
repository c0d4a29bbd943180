import type { QueryPlanner } from '../query-plans.js'

interface ExplainRow {
  readonly table: string | null
  readonly type: string | null
  readonly key: string | null
  readonly rows: number | string | null
  readonly Extra: string | null
}

export const mysqlPlans: QueryPlanner = {
  explain: async (session, sql, params) => {
    const { rows } = await session.probe<ExplainRow>(`EXPLAIN ${sql}`, params)
    const text = rows
      .map((r) =>
        `${r.table ?? '-'}: ${r.type ?? '-'} key=${r.key ?? '-'} rows=${r.rows ?? '-'} ${r.Extra ?? ''}`.trim(),
      )
      .join('\n')
    // Access type ALL is a full table scan.
    const fullScans = [
      ...new Set(rows.filter((r) => r.type === 'ALL' && r.table).map((r) => r.table as string)),
    ]
    return { text, fullScans }
  },
}
