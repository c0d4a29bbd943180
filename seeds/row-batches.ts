import type { CellValue } from '../core/table-spec.js'
import type { RowContext, Scenario, ScenarioTable } from '../scenarios/scenario.js'
import { rowCounts } from '../scenarios/row-counts.js'
import { compileColumn } from './column-values.js'
import { deriveSeed, randomSource } from './random.js'
import type { ValuePools } from './value-pools.js'
import { ParentKeys, streamName } from './parent-keys.js'

/** Rows handed to a loader at a time: large enough to amortise calls, small enough to keep memory flat. */
export const BATCH_ROWS = 5000

export interface GenerationContext {
  readonly scenario: Scenario
  readonly seed: number
  readonly counts: Readonly<Record<string, number>>
  readonly pools: ValuePools
}

/**
 * The rows of one table, in primary-key order, as batches of value arrays in column order. A stream,
 * never an array of all rows: memory stays flat however many rows a table has. Each column draws from
 * its own random stream, so a value depends only on the seed, the table, the column and the row.
 */
export function* rowBatches(
  table: ScenarioTable,
  ctx: GenerationContext,
  batchRows = BATCH_ROWS,
): Generator<CellValue[][]> {
  const count = ctx.counts[table.name] ?? 0
  const referenceMs = Date.parse(ctx.scenario.referenceTime)
  // `distinct` counts are given at scale 1.
  const baseCount = rowCounts(ctx.scenario, 1)[table.name]
  const seedOf = (tableName: string, column: string) =>
    deriveSeed(ctx.seed, ctx.scenario.name, tableName, column)
  const keys = new ParentKeys(ctx.scenario, ctx.counts, ctx.pools, ctx.seed)
  const columns = table.columns.map((column) => {
    const random = randomSource(ctx.seed, ctx.scenario.name, table.name, streamName(table, column.name))
    const row: { index: number } & RowContext = {
      index: 0,
      count,
      counts: ctx.counts,
      referenceMs,
      random,
      seed: seedOf(table.name, column.name),
      seedOf,
      ...(baseCount === undefined ? {} : { baseCount }),
      pool: (method, size) => ctx.pools.get(method, size),
    }
    return { fn: compileColumn(column, keys.optionsFor(table, column.name)), row }
  })
  for (let start = 0; start < count; start += batchRows) {
    const end = Math.min(count, start + batchRows)
    const batch: CellValue[][] = new Array(end - start)
    for (let i = start; i < end; i++) {
      const values: CellValue[] = new Array(columns.length)
      for (let c = 0; c < columns.length; c++) {
        const column = columns[c] as (typeof columns)[number]
        column.row.index = i
        values[c] = column.fn(column.row)
      }
      batch[i - start] = values
    }
    yield batch
  }
}
