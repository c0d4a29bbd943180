import type { FkAction, TableSpec } from '../db/table-spec.js'
import type { Scenario } from '../scenarios/scenario.js'

/** Scenario knobs that change the schema: the FK action of every FK, and whether FK columns are indexed. */
export interface SchemaKnobs {
  /** Overrides `cascade`/`restrict` on every FK (`set null` FKs keep theirs). */
  readonly fkAction?: Exclude<FkAction, 'set null'>
  /** `false` drops the index behind every FK column (not possible on MySQL, which always indexes them). */
  readonly fkIndex?: boolean
  /**
   * `false` drops the scenario's own secondary indexes (error-log's `created_at`, say), keeping primary
   * keys and FK indexes: without one on its filter column a DELETE scans, and on InnoDB locks, every row.
   */
  readonly indexes?: boolean
}

/** The scenario's tables as the dialects need them, with the knobs applied. */
export function scenarioTables(scenario: Scenario, knobs: SchemaKnobs = {}): TableSpec[] {
  const byName = new Map(scenario.tables.map((t) => [t.name, t]))
  return scenario.tables.map((table) => ({
    name: table.name,
    columns: table.columns.map(({ generate: _generate, ...column }) => column),
    primaryKey: table.primaryKey,
    indexes: knobs.indexes === false ? [] : (table.indexes ?? []),
    foreignKeys: (table.foreignKeys ?? []).map((fk) => ({
      ...fk,
      onDelete: fk.onDelete !== 'set null' && knobs.fkAction ? knobs.fkAction : fk.onDelete,
      indexed: knobs.fkIndex ?? fk.indexed,
      referencedColumn: byName.get(fk.references)?.primaryKey ?? 'id',
    })),
  }))
}
