/**
 * pt-archiver's `--statistics` report, parsed: the rows it selected and deleted, and its actions (how
 * many fetches, deletes and commits it sent, and their time). Pure, so it is tested on the tool's text.
 *
 *     SELECT 1666
 *     INSERT 0
 *     DELETE 1666
 *     Action        Count       Time        Pct
 *     deleting       1666     0.1394      76.83
 *     commit            5     0.0045       2.51
 *     select            5     0.0044       2.42
 *     other             0     0.0331      18.25
 */

/** One action row: how many times, and the seconds spent on them. */
export interface ArchiverAction {
  readonly count: number
  readonly seconds: number
}

export interface ArchiverStatistics {
  /** Rows fetched, inserted (into a destination: none for --purge) and deleted. */
  readonly rows: { readonly select: number; readonly insert: number; readonly delete: number }
  /** By action name: `select`, `deleting` (one DELETE per row), `bulk_deleting` (per chunk), `commit`, `other`. */
  readonly actions: Readonly<Record<string, ArchiverAction>>
}

/** Parses one invocation's report; undefined where the text holds none (the tool failed before it). */
export function parseArchiverStatistics(text: string): ArchiverStatistics | undefined {
  const rows = { select: 0, insert: 0, delete: 0 }
  const actions: Record<string, ArchiverAction> = {}
  let sawRows = false
  let inActions = false
  for (const line of text.split('\n')) {
    const counted = /^(SELECT|INSERT|DELETE) (\d+)\s*$/.exec(line)
    if (counted) {
      rows[(counted[1] as string).toLowerCase() as keyof typeof rows] = Number(counted[2])
      sawRows = true
      continue
    }
    if (/^Action\s+Count\s+Time\s+Pct/.test(line)) {
      inActions = true
      continue
    }
    const action = inActions ? /^([a-z_]+)\s+(\d+)\s+([\d.]+)\s+[\d.]+\s*$/.exec(line) : null
    if (action) actions[action[1] as string] = { count: Number(action[2]), seconds: Number(action[3]) }
    else inActions = false
  }
  return sawRows ? { rows, actions } : undefined
}

/** Two invocations' reports added up (one per table). */
export function addArchiverStatistics(a: ArchiverStatistics, b: ArchiverStatistics): ArchiverStatistics {
  const actions: Record<string, ArchiverAction> = { ...a.actions }
  for (const [name, x] of Object.entries(b.actions)) {
    const seen = actions[name]
    actions[name] = seen ? { count: seen.count + x.count, seconds: seen.seconds + x.seconds } : x
  }
  return {
    rows: {
      select: a.rows.select + b.rows.select,
      insert: a.rows.insert + b.rows.insert,
      delete: a.rows.delete + b.rows.delete,
    },
    actions,
  }
}

/**
 * The statements the report accounts for, by delbench's kinds: its fetches, its deletes (one per row,
 * or one per chunk with --bulk-delete) and its commits. Its setup queries (SHOW, SET, the index it
 * ascends) are not in the report.
 */
export function archiverStatements(stats: ArchiverStatistics): {
  select: number
  delete: number
  commit: number
} {
  const count = (name: string) => stats.actions[name]?.count ?? 0
  return {
    select: count('select'),
    delete: count('deleting') + count('bulk_deleting'),
    commit: count('commit'),
  }
}
