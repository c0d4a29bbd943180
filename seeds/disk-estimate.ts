import type { CellValue } from '../core/table-spec.js'
import type { Scenario } from '../scenarios/scenario.js'
import { rowBatches } from './row-batches.js'
import { rowCounts } from '../scenarios/row-counts.js'
import { scenarioTables, type SchemaKnobs } from '../scenarios/scenario-tables.js'
import type { ValuePools } from './value-pools.js'

/** Rows generated per table to measure their size. */
const SAMPLE_ROWS = 500
/** A row's fixed cost on disk: tuple header, line pointer, page fill (PostgreSQL's is ~28 bytes). */
const ROW_OVERHEAD = 40
/** Bytes per row per index: key, pointer, page fill. */
const INDEX_ENTRY = 32

/**
 * The bytes one copy of a scenario takes on disk, from the size of a sample of its own generated rows
 * plus per-row and per-index overheads: an estimate good to a factor of about two, which is enough to
 * refuse a scale that cannot fit.
 */
export function estimateSeedBytes(
  scenario: Scenario,
  scale: number,
  seed: number,
  knobs: SchemaKnobs = {},
  /** Value pools for the sample rows (a sample of the seeder's own: `ValuePools.sample`). */
  pools: ValuePools,
): number {
  const counts = rowCounts(scenario, scale)
  const tables = scenarioTables(scenario, knobs)
  const ctx = { scenario, seed, counts, pools }
  let bytes = 0
  for (const table of scenario.tables) {
    const spec = tables.find((t) => t.name === table.name)
    const indexes = 1 + (spec?.indexes.length ?? 0) + (spec?.foreignKeys.filter((f) => f.indexed).length ?? 0)
    const sample: CellValue[][] = rowBatches(table, ctx, SAMPLE_ROWS).next().value ?? []
    const cellBytes = (v: CellValue) =>
      typeof v === 'string' ? Buffer.byteLength(v) + 2 : v === null ? 1 : 8
    let sampleBytes = 0
    for (const row of sample) for (const value of row) sampleBytes += cellBytes(value)
    const rowBytes = sample.length === 0 ? 0 : sampleBytes / sample.length
    bytes += (counts[table.name] ?? 0) * (rowBytes + ROW_OVERHEAD + indexes * INDEX_ENTRY)
  }
  return Math.round(bytes)
}
