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

/** An FK a DELETE reaches: directly, or through the tables its cascades delete from (`via`). */
interface Reached {
  readonly table: TableSpec
  readonly fk: ForeignKeySpec
  readonly via: readonly string[]
}

/** Every FK a DELETE from `deleted` checks or cascades through, following cascades down the tree. */
function reachedBy(deleted: string, tables: readonly TableSpec[]): Reached[] {
  const reached: Reached[] = []
  const visited = new Set<string>([deleted])
  const walk = (parent: string, via: readonly string[]) => {
    for (const table of tables)
      for (const fk of table.foreignKeys.filter((f) => f.references === parent)) {
        reached.push({ table, fk, via })
        if (fk.onDelete === 'cascade' && !visited.has(table.name)) {
          visited.add(table.name)
          walk(table.name, [...via, table.name])
        }
      }
  }
  walk(deleted, [])
  return reached
}

const ms = (v: number) => `${Number(v.toFixed(v < 10 ? 2 : 1))} ms`

/** What the analyzed call measured of an FK's check or cascade: its trigger's time in the statement's. */
function triggerEvidence(
  plan: QueryPlan | undefined,
  table: string,
  fk: ForeignKeySpec,
): Pick<PlanFlag, 'evidence' | 'evidenceMs' | 'statementMs'> {
  const trigger = plan?.constraintTriggers?.find(
    (t) => t.table === table && t.columns.join(', ') === columnsOf(fk),
  )
  if (!trigger) return {}
  const of = plan?.executionMs === undefined ? '' : ` of the statement's ${ms(plan.executionMs)}`
  return {
    evidence: `EXPLAIN ANALYZE of one call, rolled back: Trigger for constraint ${trigger.constraint} fired ${trigger.calls === 1 ? 'once' : `${trigger.calls} times`} and took ${ms(trigger.ms)}${of}`,
    evidenceMs: trigger.ms,
    ...(plan?.executionMs === undefined ? {} : { statementMs: plan.executionMs }),
  }
}

/** Unindexed FKs of `table` whose columns the condition names: what a loop over the table searches by. */
const searchedBy = (
  unindexed: readonly { table: TableSpec; fk: ForeignKeySpec }[],
  table: string,
  text: string,
) => {
  const words = new Set(text.match(/\w+/g) ?? [])
  return unindexed.filter((u) => u.table.name === table && u.fk.columns.every((c) => words.has(c)))
}

/** The flags of one statement template, given its plan. */
export function flagsOf(
  figures: TemplateFigures,
  plan: QueryPlan | undefined,
  context: FlagContext,
): PlanFlag[] {
  const flags: PlanFlag[] = []
  const unindexed = unindexedForeignKeys(context)
  const times = figures.calls === 1 ? 'once' : `${figures.calls} times`
  if (plan && figures.calls >= REPEATED_CALLS) {
    for (const name of plan.fullScans) {
      const rows = context.rows[name] ?? 0
      if (rows < BIG_TABLE_ROWS) continue
      // The unindexed FK column this statement searches the table by, where it names one.
      const found = searchedBy(unindexed, name, figures.template)[0]
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
  for (const loop of plan?.nestedLoopScans ?? []) {
    for (const { table, fk } of searchedBy(unindexed, loop.table, loop.condition)) {
      flags.push({
        kind: 'nested-loop-full-scan',
        table: table.name,
        column: columnsOf(fk),
        fix: fixFor(table.name, columnsOf(fk)),
        message: `a nested loop reads ${table.name} (${context.rows[table.name] ?? '?'} rows) whole for each row of its outer side, searching it by ${table.name}.${columnsOf(fk)} (${loop.condition}), which no index serves; this statement ran ${times}`,
      })
    }
  }
  for (const sort of plan?.diskSorts ?? []) {
    if (!sort.table || !sort.key) continue
    const column = sort.key.replace(/\s+(ASC|DESC|NULLS (FIRST|LAST))\b/gi, '')
    flags.push({
      kind: 'sort-spill',
      table: sort.table,
      column,
      fix: fixFor(sort.table, sort.key),
      message: `a sort of ${sort.table} rows by ${sort.key} spilled ${sort.diskKb} kB to disk (more than work memory holds); an index in that order returns them sorted; this statement ran ${times}`,
      evidence: `EXPLAIN ANALYZE of one call, rolled back: Sort Method external, Disk ${sort.diskKb} kB`,
    })
  }
  const deleted = /^DELETE\s+FROM\s+["`]?(\w+)/i.exec(figures.template)?.[1]
  if (deleted && context.unindexedForeignKeys) {
    for (const { table, fk, via } of reachedBy(deleted, context.tables)) {
      if (indexed(table, fk)) continue
      const through = via.length > 0 ? ` (through ${via.join(' → ')})` : ''
      const evidence = triggerEvidence(plan, table.name, fk)
      // Measured, a cascade that never reached the table (the strategy emptied it first) fired nothing.
      if (plan?.analyzed && via.length > 0 && evidence.evidence === undefined) continue
      flags.push({
        kind: 'unindexed-foreign-key',
        table: table.name,
        column: columnsOf(fk),
        fix: fixFor(table.name, columnsOf(fk)),
        message: `a DELETE from ${deleted}${through} ${ACTION_WORDS[fk.onDelete]} ${table.name}.${columnsOf(fk)} (ON DELETE ${fk.onDelete}), which no index serves: each ${fk.references} row deleted searches ${table.name} (${context.rows[table.name] ?? '?'} rows) whole; this statement ran ${times}`,
        ...evidence,
      })
    }
  }
  return flags
}
