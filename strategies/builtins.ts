import { batched } from './batched.js'
import { collectorSubquery } from './collector-subquery.js'
import { collector } from './collector.js'
import { copySwap } from './copy-swap.js'
import { keyTable } from './key-table.js'
import { limitLoop } from './limit-loop.js'
import { naiveBulk } from './naive-bulk.js'
import { parallelBatched } from './parallel-batched.js'
import { partitionDrop } from './partition-drop.js'
import { perRowCallbacks } from './per-row-callbacks.js'
import { perRow } from './per-row.js'
import { ptArchiver } from './pt-archiver.js'
import type { Strategy } from './strategy.js'

/** The built-in strategies: the field reports' families, slowest first, then those beyond the reports. */
export const BUILTIN_STRATEGIES: readonly Strategy[] = [
  perRow,
  perRowCallbacks,
  naiveBulk,
  collector,
  collectorSubquery,
  batched,
  limitLoop,
  keyTable,
  parallelBatched,
  copySwap,
  partitionDrop,
  ptArchiver,
]
