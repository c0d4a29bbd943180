import { meanInterval, setAsideUpperOutliers } from './statistics.js'

/**
 * How many timed iterations a run takes. `exact` is `--iterations N`: exactly N (a budget may still
 * cut them short). Otherwise iterations go on from `min` until the relative margin of error of the
 * mean (95%) is at most `targetRme`, or `max` iterations, or the budget, whichever comes first.
 */
export type IterationPolicy =
  | { readonly kind: 'exact'; readonly iterations: number }
  | { readonly kind: 'target'; readonly targetRme: number; readonly min: number; readonly max: number }

/** Why a run stopped iterating: recorded in the results with each run (`iterationStop`). */
export type StopReason =
  /** `--iterations N` ran all N. */
  | 'iterations'
  /** The margin of error reached `--target-rme`. */
  | 'target-rme'
  /** `--max-iterations` ran before the margin reached its target. */
  | 'max-iterations'
  /** The next iteration would not have finished within the run's budget (or the budget ended one). */
  | 'budget'
  /** A failed or wrong iteration: repeating it measures nothing new. */
  | 'failure'

/** The most iterations a policy can take: the bench is set up for this many and stopped early. */
export function maxIterations(policy: IterationPolicy): number {
  return policy.kind === 'exact' ? policy.iterations : policy.max
}

/**
 * The relative margin of error of the mean at 95%, in percent: the half-width of Student's t interval
 * over the mean (tinybench's `rme`), taken over the samples without their upper outliers (see
 * `setAsideUpperOutliers`). Infinite with fewer than two samples: nothing is known yet.
 */
export function relativeMarginOfError(samples: readonly number[]): number {
  const { kept } = setAsideUpperOutliers(samples)
  if (kept.length < 2) return Number.POSITIVE_INFINITY
  const { mean, high } = meanInterval(kept)
  return mean === 0 ? Number.POSITIVE_INFINITY : ((high - mean) / Math.abs(mean)) * 100
}

/** Where a run stands after an iteration, to decide whether another one is worth starting. */
export interface IterationState {
  /** Times of the iterations finished so far, in milliseconds. */
  readonly samples: readonly number[]
  /** Time the run has used so far (restores and verification included), in milliseconds. */
  readonly elapsedMs: number
  /** The run's budget (`--timeout`), in milliseconds. */
  readonly budgetMs: number
  /** What one more iteration is expected to cost in all (restore, strategy, verification), in ms. */
  readonly nextIterationMs: number
}

/**
 * Whether to start another iteration, or why not. A budget that cannot hold the next iteration stops
 * the run now, keeping every finished sample, rather than spending the rest of the budget on an
 * iteration that would be killed half-way.
 */
export function nextIteration(policy: IterationPolicy, state: IterationState): StopReason | 'continue' {
  const n = state.samples.length
  if (policy.kind === 'exact') {
    if (n >= policy.iterations) return 'iterations'
  } else {
    if (n >= policy.min && relativeMarginOfError(state.samples) <= policy.targetRme) return 'target-rme'
    if (n >= policy.max) return 'max-iterations'
  }
  if (state.elapsedMs + state.nextIterationMs > state.budgetMs) return 'budget'
  return 'continue'
}

/** Seconds for a budget line: `30 s`, `2.5 s`. */
const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`

/**
 * The line a run records for why it stopped iterating, with the margin of error reached against its
 * target, so that a run that could not reach the target within its budget says so.
 */
export function stopDetail(
  reason: StopReason,
  policy: IterationPolicy,
  samples: readonly number[],
  budgetMs: number,
): string {
  const n = samples.length
  const rme = relativeMarginOfError(samples)
  const outliers = setAsideUpperOutliers(samples).outliers.length
  const aside =
    outliers === 0 ? '' : ` (${outliers} upper ${outliers === 1 ? 'outlier' : 'outliers'} set aside)`
  const margin = Number.isFinite(rme)
    ? `margin of error ${rme.toFixed(1)}%${aside}`
    : 'no margin of error from 1 sample'
  const target = policy.kind === 'target' ? ` (target ${policy.targetRme}%)` : ''
  const iterations = `${n} ${n === 1 ? 'iteration' : 'iterations'}`
  switch (reason) {
    case 'iterations':
      return `all ${iterations} ran, as asked; ${margin}`
    case 'target-rme':
      return `${margin}${target} after ${iterations}`
    case 'max-iterations':
      return `the maximum of ${iterations} left the ${margin}${target}`
    case 'budget':
      return `the ${seconds(budgetMs)} budget held ${iterations}; ${margin}${target}`
    case 'failure':
      return `a failed or wrong iteration ends the run`
  }
}
