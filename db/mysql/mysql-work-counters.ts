import type { WorkCounterProbe } from '../work-counters.js'

/**
 * Session-scoped status counters: what the storage engine was asked to do for this session's
 * statements. (`Innodb_rows_*` and `Innodb_buffer_pool_read_requests` are server-wide, and MariaDB 10.6+
 * has no `Innodb_rows_*` at all, so neither is summed over sessions here.) Work InnoDB does inside
 * itself, such as cascading deletes, is not seen by the handler counters.
 */
const SESSION_COUNTERS = [
  'Handler_read_first',
  'Handler_read_key',
  'Handler_read_last',
  'Handler_read_next',
  'Handler_read_prev',
  'Handler_read_rnd',
  'Handler_read_rnd_next',
  'Handler_delete',
  'Handler_update',
  'Handler_write',
  'Handler_tmp_write',
  'Handler_commit',
  'Handler_rollback',
  'Rows_read',
  'Rows_sent',
  'Created_tmp_tables',
  'Created_tmp_disk_tables',
  'Sort_rows',
  'Select_scan',
  'Select_full_join',
]

/**
 * Counters that loading a table's definition afresh adds to: MariaDB reads its engine-independent
 * statistics (`mysql.table_stats`, `column_stats`, `index_stats`) in the session that opens the table
 * after another session's FLUSH TABLES, or after a busy server evicted the definition from its cache.
 * Measured here: +9 key reads for bookstore's books; +6 key reads and +6 rows read for a two-column
 * table with persistent statistics. The same statements on the same rows, then, do not always count
 * the same: compared within the tolerance, not exactly.
 */
const DEFINITION_LOAD_COUNTERS: readonly string[] = ['Handler_read_key', 'Rows_read']
const EXACT = SESSION_COUNTERS.filter((name) => !DEFINITION_LOAD_COUNTERS.includes(name))

export const mysqlWorkCounters: WorkCounterProbe = {
  scope: 'sessions',
  read: async (session) => {
    const { rows } = await session.probe<{ Variable_name: string; Value: string }>(
      `SHOW SESSION STATUS WHERE Variable_name IN (${SESSION_COUNTERS.map(() => '?').join(', ')})`,
      SESSION_COUNTERS,
    )
    return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]))
  },
  // Every one counts this session's statements only: the same statements on the same rows, the same
  // counts, but for what a table definition's loading reads.
  deterministic: EXACT,
  // Measured: parallel-batched's sessions (consistent reads, disjoint key ranges) counted the same run after run.
  deterministicWithWorkers: EXACT,
  note: 'MySQL/MariaDB session status (Handler_*, Rows_*, Select_*, Sort_rows) of every session of the strategy, summed; one SHOW SESSION STATUS per session is included; InnoDB’s internal cascades are not counted',
}
