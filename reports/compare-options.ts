/** The gates of a comparison. */
export interface CompareOptions {
  /** Significance level of the time test. */
  readonly alpha: number
  /** Relative change of the median time that matters (0.1 = 10%). */
  readonly threshold: number
  /** Relative change of peak RSS that matters. */
  readonly memoryThreshold: number
}

export const DEFAULT_COMPARE: CompareOptions = { alpha: 0.05, threshold: 0.1, memoryThreshold: 0.1 }
