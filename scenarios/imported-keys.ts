import type { CatalogColumn, CatalogForeignKey, CatalogTable } from '../db/catalog.js'
import type { JsonGenerator } from './imported-json.js'

/** A key column's generator, and whether the generator makes its NULLs itself (a tree's roots). */
export interface KeyGenerator {
  readonly generate: JsonGenerator
  readonly ownNulls?: boolean
}

const INTEGER_KINDS = new Set(['smallint', 'integer', 'bigint'])

/**
 * Generators for a table's key and foreign-key columns, which must agree across tables: a child's
 * reference is computed from its parent's row index, so referenced keys come from the row index alone
 * (`sequence`, `uuid`, a block `parent`, `nth-child`). Columns not in the map keep their value generator.
 *
 * - a self-reference is a tree: roots as the source's share of NULL references, `per` children per inner row;
 * - a composite primary key that holds a foreign key (order_lines(order_id, line_no)) is "the n-th child
 *   of a parent": the FK columns take parents in blocks, its other integer columns count within each;
 * - any other composite primary key is unique by a sequence in its first integer column;
 * - a one-to-one reference (the FK is the key, or unique) takes parents in blocks of one;
 * - other references take random parents, or parents in blocks where the source's fan-out is even.
 */
export function keyGenerators(
  table: CatalogTable,
  foreignKeys: readonly CatalogForeignKey[],
): Map<string, KeyGenerator> {
  const generators = new Map<string, KeyGenerator>()
  const pk = table.primaryKey
  const owner = pk.length > 1 ? foreignKeys.find((fk) => fk.columns.every((c) => pk.includes(c))) : undefined
  if (owner) {
    for (const [i, column] of owner.columns.entries())
      generators.set(column, { generate: parent(owner, i, { distribution: 'block' }) })
    for (const column of integerColumns(table, pk).filter((c) => !owner.columns.includes(c)))
      generators.set(column, { generate: { kind: 'nth-child', table: owner.references } })
  } else if (pk.length > 1) {
    const first = integerColumns(table, pk)[0]
    if (first !== undefined) generators.set(first, { generate: { kind: 'sequence' } })
  }
  const unique = new Set([pk, ...table.uniques].map((key) => [...key].sort().join(',')))
  for (const fk of foreignKeys) {
    if (fk === owner) continue
    if (fk.references === table.name && fk.columns.length === 1) {
      generators.set(fk.columns[0] as string, { generate: tree(fk), ownNulls: true })
      continue
    }
    const oneToOne = unique.has([...fk.columns].sort().join(','))
    const spread = oneToOne ? { distribution: 'block' } : parentSpread(fk)
    for (const [i, column] of fk.columns.entries())
      if (!generators.has(column)) generators.set(column, { generate: parent(fk, i, spread) })
  }
  return generators
}

function integerColumns(table: CatalogTable, names: readonly string[]): string[] {
  return names.filter((name) => {
    const column: CatalogColumn | undefined = table.columns.find((c) => c.name === name)
    return column !== undefined && INTEGER_KINDS.has(column.kind)
  })
}

/** The parent generator for the i-th column of a foreign key (a composite one names the column it takes). */
function parent(fk: CatalogForeignKey, i: number, spread: Readonly<Record<string, unknown>>): JsonGenerator {
  return {
    kind: 'parent',
    table: fk.references,
    ...(fk.columns.length > 1 ? { column: fk.referencedColumns[i] } : {}),
    // One random stream draws all columns of a composite reference, so they name one parent row.
    ...(fk.columns.length > 1 && spread.distribution !== 'block' ? { distribution: 'uniform' } : spread),
  }
}

/**
 * A tree like the source's: its share of roots (NULL references), and `per` = the mean number of
 * children of a row that has any, so inner rows branch as the source's did.
 */
function tree(fk: CatalogForeignKey): JsonGenerator {
  const fan = fk.fanOut
  if (!fan) return { kind: 'parent', table: fk.references }
  const inner = fan.childless < 1 ? fan.mean / (1 - fan.childless) : 1
  return {
    kind: 'parent',
    table: fk.references,
    roots: Math.min(1, Math.max(0.0001, Math.round(fan.nullShare * 10_000) / 10_000)),
    per: Math.max(1, Math.round(inner)),
  }
}

/** Parents in even blocks where the source's fan-out barely varies (fixed line counts), random otherwise. */
function parentSpread(fk: CatalogForeignKey): Readonly<Record<string, unknown>> {
  const fan = fk.fanOut
  const even = fan !== undefined && fan.mean > 0 && fan.stddev <= 0.1 * fan.mean && fan.childless < 0.05
  return { distribution: even ? 'block' : 'uniform' }
}
