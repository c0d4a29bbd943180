import { indexName, type ForeignKeySpec, type IndexSpec, type TableSpec } from '../core/table-spec.js'

/**
 * `restrict` (the ORMs' default) and `no action` are both NO ACTION (no clause): checked at the end of
 * each statement where the database can.
 */
export function onDeleteClause(fk: ForeignKeySpec): string {
  return fk.onDelete === 'cascade'
    ? ' ON DELETE CASCADE'
    : fk.onDelete === 'set null'
      ? ' ON DELETE SET NULL'
      : ''
}

/**
 * The declared indexes and those of FK columns marked indexed, each once; an FK whose columns lead the
 * primary key needs none (the key's index serves it).
 */
export function secondaryIndexList(table: TableSpec): (IndexSpec & { readonly name: string })[] {
  const leadsKey = (columns: readonly string[]) => columns.every((c, i) => table.primaryKey[i] === c)
  const indexes = [
    ...table.indexes,
    ...table.foreignKeys
      .filter((fk) => fk.indexed && !leadsKey(fk.columns))
      .map((fk) => ({ columns: fk.columns, unique: false })),
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

/** `FOREIGN KEY (a, b) REFERENCES parent (x, y) [ON DELETE …]`, as every dialect writes it. */
export function foreignKeyClause(fk: ForeignKeySpec, quote: (id: string) => string): string {
  const list = (columns: readonly string[]) => columns.map(quote).join(', ')
  return `FOREIGN KEY (${list(fk.columns)}) REFERENCES ${quote(fk.references)} (${list(fk.referencedColumns)})${onDeleteClause(fk)}`
}
