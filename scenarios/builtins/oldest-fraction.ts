import type { RowContext } from '../scenario.js'
import { formatTimestamp } from '../timestamps.js'

/**
 * Timestamps that rise with the row number, one step apart, the newest a step before the reference
 * time. Row `i` of `n` is at `reference - (n - i) * step`, so "older than the timestamp of row k" picks
 * exactly the first k rows: targets like "the oldest 90%" are exact at every scale.
 */
export function risingTimestamp(spanDays: number): (row: RowContext) => string {
  return (row) => formatTimestamp(row.referenceMs - (row.count - row.index) * stepMs(spanDays, row.count))
}

/** The cutoff below which exactly `floor(fraction * count)` rows of a `risingTimestamp` column lie. */
export function risingCutoff(spanDays: number, count: number, fraction: number, referenceMs: number): string {
  const k = Math.floor(fraction * count)
  return formatTimestamp(referenceMs - (count - k) * stepMs(spanDays, count))
}

/** Whole seconds between rows, at least one: timestamps are stored to the second. */
function stepMs(spanDays: number, count: number): number {
  return Math.max(1, Math.floor((spanDays * 86_400) / Math.max(1, count))) * 1000
}
