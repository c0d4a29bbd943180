import type { StatementKind } from '../statement-kind.js'
import type { StatementCounterProbe } from '../work-counters.js'

/** MySQL's `Com_*` counters summed into delbench's statement kinds; `Questions` is every client statement. */
const KINDS: Readonly<Record<Exclude<StatementKind, 'other'>, readonly string[]>> = {
  select: ['Com_select'],
  insert: ['Com_insert', 'Com_insert_select', 'Com_replace', 'Com_replace_select'],
  update: ['Com_update', 'Com_update_multi'],
  delete: ['Com_delete', 'Com_delete_multi'],
  begin: ['Com_begin'],
  commit: ['Com_commit'],
  rollback: ['Com_rollback'],
}

const NAMES = ['Questions', ...Object.values(KINDS).flat()]

export const mysqlStatementCounters: StatementCounterProbe = {
  read: async (session) => {
    const { rows } = await session.probe<{ Variable_name: string; Value: string }>(
      `SHOW GLOBAL STATUS WHERE Variable_name IN (${NAMES.map(() => '?').join(', ')})`,
      NAMES,
    )
    const value = new Map(rows.map((r) => [r.Variable_name.toLowerCase(), Number(r.Value)]))
    const sum = (names: readonly string[]) =>
      names.reduce((n, name) => n + (value.get(name.toLowerCase()) ?? 0), 0)
    const counts = Object.fromEntries(
      Object.entries(KINDS).map(([kind, names]) => [kind, sum(names)]),
    ) as Record<Exclude<StatementKind, 'other'>, number>
    const known = Object.values(counts).reduce((a, b) => a + b, 0)
    return { ...counts, other: Math.max(0, sum(['Questions']) - known) }
  },
  note: 'MySQL/MariaDB global status (Com_*, Questions) before and after the strategy: server-wide, so statements of other sessions meanwhile (foreground traffic, delbench’s own probes) are included',
}
