/**
 * Flags a reviewer acts on, from the plans of a run's statements and the tables' keys: a table read
 * whole by a statement run many times, and a DELETE whose foreign-key check or cascade must search a
 * child table by a column no index serves. Each names the table, the column and the index that would
 * fix it. Pure: tested on fixed plans.
 */
import type { RunRecord } from '../core/results-schema.js'
import type { ForeignKeySpec, TableSpec } from '../core/table-spec.js'
import type { QueryPlan } from '../db/query-plans.js'
import type { TemplateFigures } from '../db/statement-profile.js'

export type PlanRecord = NonNullable<RunRecord['plans']>[number]
export type PlanFlag = PlanRecord['flags'][number]

/** A statement run at least this often is "executed many times". */
export const REPEATED_CALLS = 10
/** A table of at least this many rows is one a repeated full scan hurts. */
export const BIG_TABLE_ROWS = 1000

/** What the flags are judged against. */
export interface FlagContext {
  readonly tables: readonly TableSpec[]
  /** Seeded rows per table. */
  readonly rows: Readonly<Record<string, number>>
  /** Whether the database lets a foreign key go without an index (InnoDB always makes one). */
  readonly unindexedForeignKeys: boolean
}

/** Whether an index (the primary key, a declared index, the FK's own) leads with the FK's columns. */
function indexed(table: TableSpec, fk: ForeignKeySpec): boolean {
  const leads = (columns: readonly string[]) => fk.columns.every((c, i) => columns[i] === c)
  return fk.indexed || leads(table.primaryKey) || table.indexes.some((i) => leads(i.columns))
}

/** An FK's column, or its columns, as a flag names them. */
const columnsOf = (fk: ForeignKeySpec) => fk.columns.join(', ')

const fixFor = (table: string, column: string) => `CREATE INDEX ON ${table} (${column})`

/** Foreign keys of the database's tables whose referencing column no index serves. */
function unindexedForeignKeys(context: FlagContext) {
  if (!context.unindexedForeignKeys) return []
  return context.tables.flatMap((table) =>
    table.foreignKeys.filter((fk) => !indexed(table, fk)).map((fk) => ({ table, fk })),
  )
}

const ACTION_WORDS = {
  cascade: 'cascades to',
  'set null': 'sets null in',
  restrict: 'is checked against',
  'no action': 'is checked against',
}

/** The flags of one statement template, given its plan. */
export function flagsOf(
  figures: TemplateFigures,
  plan: QueryPlan | undefined,
  context: FlagContext,
): PlanFlag[] {
  const flags: PlanFlag[] = []
  const unindexed = unindexedForeignKeys(context)
  const words = new Set(figures.template.match(/\w+/g) ?? [])
  if (plan && figures.calls >= REPEATED_CALLS) {
    for (const name of plan.fullScans) {
      const rows = context.rows[name] ?? 0
      if (rows < BIG_TABLE_ROWS) continue
      // The unindexed FK column this statement searches the table by, where it names one.
      const found = unindexed.find((u) => u.table.name === name && u.fk.columns.every((c) => words.has(c)))
      const column = found ? columnsOf(found.fk) : undefined
      flags.push({
        kind: 'repeated-full-scan',
        table: name,
        column: column ?? null,
        fix: column ? fixFor(name, column) : `an index on the columns this statement filters ${name} by`,
        message: `${name} (${rows} rows) is read whole by a statement run ${figures.calls} times${column ? `: nothing indexes ${name}.${column}` : ''}`,
      })
    }
  }
  const deleted = /^DELETE\s+FROM\s+["`]?(\w+)/i.exec(figures.template)?.[1]
  if (deleted) {
    for (const { table, fk } of unindexed.filter((u) => u.fk.references === deleted)) {
      flags.push({
        kind: 'unindexed-foreign-key',
        table: table.name,
        column: columnsOf(fk),
        fix: fixFor(table.name, columnsOf(fk)),
        message: `a DELETE from ${deleted} ${ACTION_WORDS[fk.onDelete]} ${table.name}.${columnsOf(fk)} (ON DELETE ${fk.onDelete}), which no index serves: each ${deleted} row deleted searches ${table.name} (${context.rows[table.name] ?? '?'} rows) whole; this statement ran ${figures.calls === 1 ? 'once' : `${figures.calls} times`}`,
      })
    }
  }
  return flags
}
