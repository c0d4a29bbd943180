import type { Catalog, CatalogTable } from '../db/catalog.js'

/** One measured shape of the source beside the same shape of its seeded reproduction. */
export interface FidelityRow {
  /** `table`, `table.column` or `table.fk_name`. */
  readonly where: string
  readonly measure: 'rows' | 'null fraction' | 'distinct' | 'fan-out' | 'target share'
  readonly source: number
  readonly seeded: number
  /** seeded / source (1 when both are 0; Infinity when only the source's is 0). */
  readonly ratio: number
  /** Whether the ratio is within the tolerance stated for its measure. */
  readonly within: boolean
}

/**
 * How far a seeded reproduction may stray from its source and still count as the same shape. Row counts
 * are set exactly; the rest is sampled or estimated on both sides, so they get room.
 */
export const FIDELITY_TOLERANCE: Readonly<Record<FidelityRow['measure'], number>> = {
  rows: 0.05,
  'target share': 0.1,
  'fan-out': 0.1,
  'null fraction': 0.25,
  distinct: 0.5,
}

/** Null fractions and distinct counts this small are noise in a sample: compared, never judged. */
const NEGLIGIBLE_NULLS = 0.01

/**
 * Compares a source's catalog with the catalog of its seeded reproduction: rows per table, each column's
 * null fraction and distinct count, each FK's fan-out and the target's share of its table.
 */
export function fidelityRows(source: Catalog, seeded: Catalog): FidelityRow[] {
  const rows: FidelityRow[] = []
  for (const table of source.tables) {
    const copy = seeded.tables.find((t) => t.name === table.name)
    if (!copy) continue
    rows.push(row(table.name, 'rows', rowsOf(table), rowsOf(copy)))
    for (const column of table.columns) {
      const theirs = copy.columns.find((c) => c.name === column.name)
      if (!column.stats || !theirs?.stats) continue
      if (column.stats.nullFraction >= NEGLIGIBLE_NULLS || theirs.stats.nullFraction >= NEGLIGIBLE_NULLS)
        rows.push(
          row(
            `${table.name}.${column.name}`,
            'null fraction',
            column.stats.nullFraction,
            theirs.stats.nullFraction,
          ),
        )
      rows.push(row(`${table.name}.${column.name}`, 'distinct', column.stats.distinct, theirs.stats.distinct))
    }
    for (const fk of table.foreignKeys) {
      const theirs = copy.foreignKeys.find((f) => f.columns.join() === fk.columns.join())
      if (fk.fanOut && theirs?.fanOut)
        rows.push(row(`${table.name}.${fk.columns.join('+')}`, 'fan-out', fk.fanOut.mean, theirs.fanOut.mean))
    }
  }
  const share = (catalog: Catalog) => {
    const target = catalog.target
    const table = target && catalog.tables.find((t) => t.name === target.table)
    return target && table ? target.rows / Math.max(1, rowsOf(table)) : undefined
  }
  const [from, to] = [share(source), share(seeded)]
  if (from !== undefined && to !== undefined && source.target)
    rows.push(row(source.target.table, 'target share', from, to))
  return rows
}

function rowsOf(table: CatalogTable): number {
  return table.rows.exact ?? table.rows.estimate
}

function row(where: string, measure: FidelityRow['measure'], source: number, seeded: number): FidelityRow {
  const ratio = source === 0 ? (seeded === 0 ? 1 : Infinity) : seeded / source
  const tolerance = FIDELITY_TOLERANCE[measure]
  // Small distinct counts differ by one or two values in a sample, small null shares by a point:
  // judged on the difference instead.
  const within =
    Math.abs(ratio - 1) <= tolerance ||
    (measure === 'distinct' && Math.abs(seeded - source) <= 2) ||
    (measure === 'null fraction' && Math.abs(seeded - source) <= NEGLIGIBLE_NULLS)
  return { where, measure, source, seeded, ratio, within }
}
