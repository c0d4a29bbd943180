import type { Command } from 'commander'
import { DelbenchError } from '../core/errors.js'
import { wholeNumber } from './whole-number.js'
import type { IterationPolicy } from '../runner/iteration-policy.js'

/** The iteration flags as commander hands them over. */
export interface IterationFlags {
  readonly iterations?: string
  readonly targetRme: string
  readonly minIterations: string
  readonly maxIterations: string
}

/** Defaults: 5 samples at least, so a two-sided Mann-Whitney test between two runs can reach p < 0.05. */
const DEFAULT_TARGET_RME = '5'
const DEFAULT_MIN = '5'
const DEFAULT_MAX = '10'

export function addIterationOptions(command: Command): Command {
  return command
    .option('--iterations <n>', 'exactly n timed iterations per run, each on a fresh copy (no margin target)')
    .option(
      '--target-rme <percent>',
      'iterate until the relative margin of error of the mean (95%) is at most this',
      DEFAULT_TARGET_RME,
    )
    .option('--min-iterations <n>', 'timed iterations before the margin may stop a run', DEFAULT_MIN)
    .option('--max-iterations <n>', 'timed iterations at most, whatever the margin', DEFAULT_MAX)
}

/**
 * `--iterations N` means exactly N; otherwise iterations go on until the margin of error reaches
 * `--target-rme`, between `--min-iterations` and `--max-iterations`. Mixing the two is refused rather
 * than one silently winning.
 */
export function iterationPolicy(
  flags: IterationFlags,
  sources: (flag: string) => string | undefined,
): IterationPolicy {
  const adaptive = ['targetRme', 'minIterations', 'maxIterations'].filter((f) => sources(f) === 'cli')
  if (flags.iterations !== undefined) {
    if (adaptive.length > 0)
      throw new DelbenchError(
        '--iterations N runs exactly N: it does not go with --target-rme, --min-iterations or --max-iterations',
      )
    return { kind: 'exact', iterations: wholeNumber(flags.iterations, '--iterations', 1) }
  }
  const targetRme = Number(flags.targetRme)
  if (!(targetRme > 0) || targetRme >= 100)
    throw new DelbenchError(`--target-rme takes a percentage above 0 and below 100, not '${flags.targetRme}'`)
  const min = wholeNumber(flags.minIterations, '--min-iterations', 1)
  const max = wholeNumber(flags.maxIterations, '--max-iterations', 1)
  if (max < min) throw new DelbenchError(`--max-iterations ${max} is below --min-iterations ${min}`)
  return { kind: 'target', targetRme, min, max }
}
