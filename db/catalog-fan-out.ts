import type { CatalogForeignKey, CatalogReadOptions, CatalogTable, FanOut } from './catalog.js'
import { fanOutFromCounts } from './catalog-sample.js'
import {
  BOUNDED_COUNT_FACTOR,
  type CatalogSource,
  type DeclaredForeignKey,
  type DeclaredTable,
} from './catalog-source.js'
import type { Row } from './connection.js'

export interface FanOutInputs {
  /** Every base table of the database (a parent may lie outside `chosen`). */
  readonly all: readonly DeclaredTable[]
  readonly chosen: readonly DeclaredTable[]
  readonly estimates: ReadonlyMap<string, number>
  /** Each chosen table's sampled rows, for the share of children with a null reference. */
  readonly samples: ReadonlyMap<string, readonly Row[]>
  /** The chosen tables with their columns' stats. */
  readonly described: readonly CatalogTable[]
  readonly options: CatalogReadOptions
}

/**
 * Every chosen table's FKs, with whether an index covers them and their fan-out (children per parent)
 * measured on a bounded sample of parents.
 */
export async function measureForeignKeys(
  source: CatalogSource,
  inputs: FanOutInputs,
): Promise<Map<string, { foreignKeys: CatalogForeignKey[]; notes: string[] }>> {
  const byName = new Map(inputs.all.map((t) => [t.name, t]))
  const out = new Map<string, { foreignKeys: CatalogForeignKey[]; notes: string[] }>()
  for (const child of inputs.chosen) {
    const foreignKeys: CatalogForeignKey[] = []
    const notes: string[] = []
    for (const fk of child.foreignKeys) {
      const indexed = isIndexed(child, fk.columns)
      const parent = byName.get(fk.references)
      const measured = parent ? await fanOut(source, { child, parent, fk, indexed }, inputs) : undefined
      if (measured?.note) notes.push(measured.note)
      if (!parent)
        notes.push(`${fk.name}: references '${fk.references}', which is not a base table read here`)
      foreignKeys.push({ ...fk, indexed, ...(measured?.fanOut ? { fanOut: measured.fanOut } : {}) })
    }
    out.set(child.name, { foreignKeys, notes })
  }
  return out
}

/** Whether some index's leading columns are exactly the FK's columns, in any order. */
export function isIndexed(table: DeclaredTable, columns: readonly string[]): boolean {
  const wanted = new Set(columns)
  return [table.primaryKey, ...table.uniques, ...table.indexes].some(
    (index) => index.length >= wanted.size && index.slice(0, wanted.size).every((c) => wanted.has(c)),
  )
}

interface Edge {
  readonly child: DeclaredTable
  readonly parent: DeclaredTable
  readonly fk: DeclaredForeignKey
  readonly indexed: boolean
}

async function fanOut(
  source: CatalogSource,
  edge: Edge,
  inputs: FanOutInputs,
): Promise<{ fanOut?: FanOut; note?: string }> {
  const { options, estimates } = inputs
  const childRows = estimates.get(edge.child.name) ?? edge.child.rowEstimate ?? 0
  const bound = options.sampleRows * BOUNDED_COUNT_FACTOR
  // Without an index, counting children reads the whole child table: only when it is small, or asked.
  if (!edge.indexed && !options.exact && childRows > bound) {
    return {
      note: `${edge.fk.name}: fan-out not measured, the FK has no index and counting would scan all ${childRows} rows (read with --exact to measure it)`,
    }
  }
  const counts = await source.query(await countSql(source, edge, inputs))
  const nullShare = nullReferenceShare(edge, inputs)
  const result = fanOutFromCounts(
    counts.map((r) => Number(r.n)),
    nullShare,
  )
  return result ? { fanOut: result } : {}
}

/**
 * One count of children per sampled parent. With an index, a correlated count per parent (an index
 * lookup each, whatever the child table's size); without one, one grouped join over the child table.
 */
async function countSql(source: CatalogSource, edge: Edge, inputs: FanOutInputs): Promise<string> {
  const { fk, parent, child, indexed } = edge
  const q = (name: string) => source.quote(name)
  const limit = inputs.options.sampleRows
  const estimate = inputs.estimates.get(parent.name) ?? parent.rowEstimate ?? 0
  const keys = fk.referencedColumns.map((c, i) => `${q(c)} AS k${i}`).join(', ')
  const parents = `(SELECT ${keys} FROM ${await source.sampleFrom(parent, limit, estimate)} LIMIT ${limit}) p`
  const match = fk.columns.map((c, i) => `c.${q(c)} = p.k${i}`).join(' AND ')
  if (indexed) return `SELECT (SELECT COUNT(*) FROM ${q(child.name)} c WHERE ${match}) AS n FROM ${parents}`
  const groups = fk.referencedColumns.map((_c, i) => `p.k${i}`).join(', ')
  return `SELECT COUNT(c.${q(fk.columns[0] as string)}) AS n FROM ${parents} LEFT JOIN ${q(child.name)} c ON ${match} GROUP BY ${groups}`
}

/**
 * Share of children with a null in any of the FK's columns (then it references nothing): the
 * database's statistics for a one-column FK, else the sampled children.
 */
function nullReferenceShare(edge: Edge, inputs: FanOutInputs): number {
  const columns = edge.fk.columns
  const described = inputs.described.find((t) => t.name === edge.child.name)
  const stats = described?.columns.find((c) => c.name === columns[0])?.stats
  if (columns.length === 1 && stats?.source === 'statistics') return stats.nullFraction
  const sample = inputs.samples.get(edge.child.name) ?? []
  if (sample.length === 0) return 0
  const nulls = sample.filter((row) => columns.some((c) => row[c] === null || row[c] === undefined)).length
  return nulls / sample.length
}
