import { adaptiveBatched } from './adaptive-batched.js'
import { batched } from './batched.js'
import { collectorSubquery } from './collector-subquery.js'
import { collector } from './collector.js'
import { copySwap } from './copy-swap.js'
import { keyTable } from './key-table.js'
import { limitLoop } from './limit-loop.js'
import { looseFk } from './loose-fk.js'
import { naiveBulk } from './naive-bulk.js'
import { parallelBatched } from './parallel-batched.js'
import { partitionDrop } from './partition-drop.js'
import { perRowCallbacks } from './per-row-callbacks.js'
import { perRow } from './per-row.js'
import { throttledBatched } from './throttled-batched.js'
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
  adaptiveBatched,
  throttledBatched,
  limitLoop,
  keyTable,
  parallelBatched,
  copySwap,
  partitionDrop,
  looseFk,
  ptArchiver,
]
