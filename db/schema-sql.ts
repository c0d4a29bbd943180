import { indexName, type ForeignKeySpec, type IndexSpec, type TableSpec } from '../core/table-spec.js'

/** `restrict` is the ORMs' default, NO ACTION (no clause): checked at the end of each statement. */
export function onDeleteClause(fk: ForeignKeySpec): string {
  return fk.onDelete === 'cascade'
    ? ' ON DELETE CASCADE'
    : fk.onDelete === 'set null'
      ? ' ON DELETE SET NULL'
      : ''
}

/** The declared indexes and those of FK columns marked indexed (and not the primary key), each once. */
export function secondaryIndexList(table: TableSpec): (IndexSpec & { readonly name: string })[] {
  const indexes = [
    ...table.indexes,
    ...table.foreignKeys
      .filter((fk) => fk.indexed && fk.column !== table.primaryKey)
      .map((fk) => ({ columns: [fk.column], unique: false })),
  ]
  const seen = new Set<string>()
  return indexes.flatMap((ix) => {
    const name = indexName(table.name, ix.columns)
    if (seen.has(name)) return []
    seen.add(name)
    return [{ ...ix, name }]
  })
}

/** CREATE INDEX for each of `secondaryIndexList`. */
export function secondaryIndexes(table: TableSpec, quote: (id: string) => string): string[] {
  return secondaryIndexList(table).map(
    (ix) =>
      `CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX ${quote(ix.name)} ON ${quote(table.name)} (${ix.columns.map(quote).join(', ')})`,
  )
}
