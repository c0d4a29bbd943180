/** The gates of a comparison. */
export interface CompareOptions {
  /** Significance level of the time test. */
  readonly alpha: number
  /** Relative change of the median time that matters (0.1 = 10%). */
  readonly threshold: number
  /** Relative change of peak RSS that matters. */
  readonly memoryThreshold: number
  /**
   * Relative change of a deterministic work counter that matters. Measured: a one-session strategy's
   * counters were identical run after run on PostgreSQL 15 and MariaDB 10.11; parallel workers'
   * interleaving moved PostgreSQL's scan counts by up to 0.5% (job-history, parallel-batched).
   */
  readonly workTolerance: number
}

/**
 * The least change of peak RSS that matters, whatever its share: the garbage collector's timing alone
 * moved a run's peak by up to 9.6 MiB (per-row-callbacks on bookstore ×0.02, 76 → 86 MiB, +12.7%) between
 * two runs of one commit on a quiet machine.
 */
export const MEMORY_FLOOR_BYTES = 16 * 2 ** 20

export const DEFAULT_COMPARE: CompareOptions = {
  alpha: 0.05,
  threshold: 0.1,
  memoryThreshold: 0.1,
  workTolerance: 0.01,
}
