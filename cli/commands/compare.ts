import path from 'node:path'
import { Command } from 'commander'
import { COMMAND_DESCRIPTIONS } from '../command-index.js'
import { DelbenchError } from '../../core/errors.js'
import { DEFAULT_COMPARE } from '../../reports/compare-options.js'
import { out } from '../output.js'

/** A fraction from a flag: `0.05`, or `10%` for thresholds. */
function fraction(value: string, flag: string, max: number): number {
  const n = value.endsWith('%') ? Number(value.slice(0, -1)) / 100 : Number(value)
  if (!Number.isFinite(n) || n <= 0 || n >= max)
    throw new DelbenchError(
      `${flag} takes a number above 0 and below ${max} (or a percentage), not '${value}'`,
    )
  return n
}

export function compareCommand(): Command {
  return new Command('compare')
    .description(COMMAND_DESCRIPTIONS['compare'])
    .argument('<base.json>', 'results of the base (e.g. the main branch)')
    .argument('<head.json>', 'results of the change')
    .option(
      '--alpha <p>',
      'significance level of the Mann-Whitney U test on times',
      String(DEFAULT_COMPARE.alpha),
    )
    .option('--threshold <fraction>', 'median time change that counts, e.g. 0.1 or 10%', '10%')
    .option('--memory-threshold <fraction>', 'peak RSS change that counts', '10%')
    .option(
      '--work-tolerance <fraction>',
      'change of a deterministic database work counter that counts',
      '1%',
    )
    .option('--json', 'print the comparison as JSON instead of Markdown')
    .action(
      async (
        baseFile: string,
        headFile: string,
        flags: {
          alpha: string
          threshold: string
          memoryThreshold: string
          workTolerance: string
          json?: boolean
        },
      ) => {
        const options = {
          alpha: fraction(flags.alpha, '--alpha', 0.5),
          threshold: fraction(flags.threshold, '--threshold', 10),
          memoryThreshold: fraction(flags.memoryThreshold, '--memory-threshold', 10),
          workTolerance: fraction(flags.workTolerance, '--work-tolerance', 10),
        }
        const [{ readResults }, { compareResults, comparisonMarkdown, incomparable }] = await Promise.all([
          import('../../reports/read-results.js'),
          import('../../reports/compare.js'),
        ])
        const base = readResults(baseFile)
        const head = readResults(headFile)
        const reason = incomparable(base, head)
        if (reason) throw new DelbenchError(`cannot compare ${baseFile} with ${headFile}: ${reason}`)
        const comparison = compareResults(base, head, options)
        if (flags.json) out(JSON.stringify(comparison, null, 2))
        else
          out(
            comparisonMarkdown(
              comparison,
              path.basename(path.dirname(path.resolve(baseFile))) + '/' + path.basename(baseFile),
              path.basename(path.dirname(path.resolve(headFile))) + '/' + path.basename(headFile),
            ).trimEnd(),
          )
        process.exitCode = comparison.regressions > 0 ? 1 : 0
      },
    )
}
