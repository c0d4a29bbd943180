import type { GeneratorSpec, ScenarioForeignKey, ScenarioTable } from './scenario.js'

/** A scenario table's primary-key columns: a string is one column, absent is none. */
export function primaryKeyOf(table: Pick<ScenarioTable, 'primaryKey'>): readonly string[] {
  const key = table.primaryKey
  return key === undefined ? [] : typeof key === 'string' ? [key] : key
}

/** A scenario FK's referencing columns: `columns`, or the one `column`. */
export function foreignKeyColumns(fk: ScenarioForeignKey): readonly string[] {
  return fk.columns ?? (fk.column === undefined ? [] : [fk.column])
}

/** The parent columns an FK references: as declared, or else the parent's primary key. */
export function referencedColumnsOf(
  fk: ScenarioForeignKey,
  tables: ReadonlyMap<string, Pick<ScenarioTable, 'primaryKey'>>,
): readonly string[] {
  if (fk.referencedColumns) return fk.referencedColumns
  const parent = tables.get(fk.references)
  return parent ? primaryKeyOf(parent) : []
}

/**
 * Whether a generator computes its value from the row index alone, as a referenced key's must: a child
 * finds its parent's key by evaluating the parent column's generator at the parent's row index.
 */
export function fromIndexAlone(generator: GeneratorSpec, table: string): boolean {
  switch (generator.kind) {
    case 'sequence':
    case 'nth-child':
    case 'uuid': // made from the column's seed and the row index, as unique text is: no random stream
      return true
    case 'text':
      return generator.unique === true
    case 'parent':
      return generator.table !== table && (generator.distribution ?? 'block') === 'block'
    default:
      return false
  }
}
