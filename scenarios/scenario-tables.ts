import type { FkAction, TableSpec } from '../core/table-spec.js'
import type { Scenario, ScenarioTable } from './scenario.js'
import { DAY_MS, formatTimestamp } from './timestamps.js'
import { foreignKeyColumns, primaryKeyOf, referencedColumnsOf } from './scenario-keys.js'

/** Scenario knobs that change the schema: the FK action of every FK, and whether FK columns are indexed. */
export interface SchemaKnobs {
  /** Overrides `cascade`/`restrict`/`no action` on every FK (`set null` FKs keep theirs). */
  readonly fkAction?: Exclude<FkAction, 'set null' | 'no action'>
  /** `false` drops the index behind every FK column (not possible on MySQL, which always indexes them). */
  readonly fkIndex?: boolean
  /**
   * `false` drops the scenario's own secondary indexes (error-log's `created_at`, say), keeping primary
   * keys and FK indexes: without one on its filter column a DELETE scans, and on InnoDB locks, every row.
   */
  readonly indexes?: boolean
  /**
   * `month` range-partitions the tables that declare a partition column (error-log's `created_at`) by
   * month; `off` (the default) leaves every table whole.
   */
  readonly partitions?: 'off' | 'month'
}

/** The scenario's tables as the dialects need them, with the knobs applied. */
export function scenarioTables(scenario: Scenario, knobs: SchemaKnobs = {}): TableSpec[] {
  const byName = new Map(scenario.tables.map((t) => [t.name, t]))
  return scenario.tables.map((table) => ({
    name: table.name,
    columns: table.columns.map(({ generate: _generate, ...column }) => column),
    primaryKey: primaryKeyOf(table),
    indexes: knobs.indexes === false ? [] : (table.indexes ?? []),
    ...(knobs.partitions === 'month' && table.partitioning
      ? {
          partitions: {
            column: table.partitioning.column,
            bounds: monthStarts(Date.parse(scenario.referenceTime), table.partitioning),
          },
        }
      : {}),
    foreignKeys: (table.foreignKeys ?? []).map((fk) => ({
      columns: foreignKeyColumns(fk),
      references: fk.references,
      referencedColumns: referencedColumnsOf(fk, byName),
      onDelete: fk.onDelete !== 'set null' && knobs.fkAction ? knobs.fkAction : fk.onDelete,
      indexed: knobs.fkIndex ?? fk.indexed,
    })),
  }))
}

/**
 * Month boundaries for a declared span: the first day of the span's first month, then of every month up
 * to the one after the span's end (from which new rows go in the last partition).
 */
function monthStarts(referenceMs: number, span: NonNullable<ScenarioTable['partitioning']>): string[] {
  const from = new Date(referenceMs + span.fromDays * DAY_MS)
  const to = referenceMs + span.toDays * DAY_MS
  const bounds: string[] = []
  for (let month = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1); ;) {
    bounds.push(formatTimestamp(month))
    if (month >= to) return bounds
    const d = new Date(month)
    month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
  }
}
