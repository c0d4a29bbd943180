/**
 * The time drift common to every run of a comparison. Two runs of the same code one after the other
 * differ by more than their own margins: the machine changed between them (page cache, write-back, the
 * load, a CPU's clock), and on this project's 2-core machine a quiet one moved whole scenarios by 10–30%,
 * some up and some down, while each run's samples stayed tight. The other runs of the comparison are the
 * measure of that: a run whose change is an outlier among them changed; one moving with them did not.
 */

/** Below this many runs timed on both sides there is no telling drift from change. */
const FEWEST_FOR_DRIFT = 5
/** How many robust standard deviations from the common shift a run's change must be to count. */
export const DRIFT_SPREADS = 3
/** The median absolute deviation of a normal sample times this is its standard deviation. */
const MAD_TO_SIGMA = 1.4826

export interface Drift {
  /** The median log ratio HEAD/BASE of the runs' median times: the shift they share. */
  readonly shift: number
  /** A robust standard deviation of the log ratios around it (1.4826 × MAD). */
  readonly spread: number
  /** How many runs it was taken over. */
  readonly runs: number
}

const medianOf = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** The drift over the runs' (BASE median, HEAD median) pairs; undefined with too few runs to tell. */
export function commonDrift(medians: readonly (readonly [number, number])[]): Drift | undefined {
  const logs = medians.filter(([b, h]) => b > 0 && h > 0).map(([b, h]) => Math.log(h / b))
  if (logs.length < FEWEST_FOR_DRIFT) return undefined
  const shift = medianOf(logs)
  return { shift, spread: MAD_TO_SIGMA * medianOf(logs.map((l) => Math.abs(l - shift))), runs: logs.length }
}

/** A run's change net of the common shift, and whether it stands out from the other runs' changes. */
export function againstDrift(
  drift: Drift | undefined,
  baseMedian: number,
  headMedian: number,
): { readonly net: number; readonly standsOut: boolean } {
  const log = Math.log(headMedian / baseMedian)
  if (!drift) return { net: Math.exp(log) - 1, standsOut: true }
  return {
    net: Math.exp(log - drift.shift) - 1,
    standsOut: Math.abs(log - drift.shift) > DRIFT_SPREADS * drift.spread,
  }
}

const signed = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`

/** The line that says what the runs shared, where it is worth saying. */
export function driftLine(drift: Drift): string {
  return `the ${drift.runs} runs timed on both sides moved together by ${signed(Math.exp(drift.shift) - 1)} (median), give or take ${(100 * (Math.exp(drift.spread) - 1)).toFixed(0)}% (robust spread): what changed between the two runs for all of them (the machine, or a change common to every strategy) is shown, not gated; a run's time gates only where its change stands ${DRIFT_SPREADS} spreads apart from the others'`
}
