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

export const mysqlWorkCounters: WorkCounterProbe = {
  scope: 'sessions',
  read: async (session) => {
    const { rows } = await session.probe<{ Variable_name: string; Value: string }>(
      `SHOW SESSION STATUS WHERE Variable_name IN (${SESSION_COUNTERS.map(() => '?').join(', ')})`,
      SESSION_COUNTERS,
    )
    return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]))
  },
  // Every one counts this session's statements only: the same statements on the same rows, the same counts.
  deterministic: SESSION_COUNTERS,
  // Measured: parallel-batched's sessions (consistent reads, disjoint key ranges) counted the same run after run.
  deterministicWithWorkers: SESSION_COUNTERS,
  note: 'MySQL/MariaDB session status (Handler_*, Rows_*, Select_*, Sort_rows) of every session of the strategy, summed; one SHOW SESSION STATUS per session is included; InnoDB’s internal cascades are not counted',
}
