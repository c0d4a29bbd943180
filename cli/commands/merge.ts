import path from 'node:path'
import { Command } from 'commander'
import { COMMAND_DESCRIPTIONS } from '../command-index.js'
import { assertWritableDirectory, writeResults } from '../../reports/write-results.js'
import { err, out } from '../output.js'

export function mergeCommand(): Command {
  return new Command('merge')
    .description(COMMAND_DESCRIPTIONS['merge'])
    .argument('<results...>', 'the shards’ results.json files')
    .requiredOption('--out <file>', 'the merged results file to write')
    .action(async (files: string[], flags: { out: string }) => {
      const [{ readResults }, { mergeResults }] = await Promise.all([
        import('../../reports/read-results.js'),
        import('../../reports/merge-results.js'),
      ])
      const inputs = files.map((file) => ({ file, document: readResults(file) }))
      const merged = mergeResults(inputs)
      const commits = new Set(inputs.map((i) => i.document.environment.gitCommit))
      if (commits.size > 1)
        err(
          `delbench: warning: the shards ran different commits (${[...commits].join(', ')}); each run records its own`,
        )
      assertWritableDirectory(path.dirname(path.resolve(flags.out)))
      writeResults(path.resolve(flags.out), merged)
      out(`merged ${merged.runs.length} runs from ${files.length} files into ${flags.out}`)
    })
}
