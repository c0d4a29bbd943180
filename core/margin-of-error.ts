import type { RunRecord } from './results-schema.js'

/**
 * A run's relative margin of error of the mean (%, 95%), or undefined where a single sample gives none:
 * its recorded rme of 0 is no margin, and no place may show it as one.
 */
export function marginOfError(timing: NonNullable<RunRecord['timing']>): number | undefined {
  return timing.samples.length > 1 ? timing.rme : undefined
}
