import type { WorkCounterProbe } from '../work-counters.js'

export const sqliteWorkCounters: WorkCounterProbe = {
  unavailable:
    'better-sqlite3 exposes none of SQLite’s work counters (sqlite3_db_status page-cache hits, misses and writes; sqlite3_stmt_status full-scan steps)',
  scope: 'database',
  read: async () => ({}),
  deterministic: [],
  deterministicWithWorkers: [],
  note: 'SQLite: not available through better-sqlite3',
}
