import path from 'node:path'
import { Command } from 'commander'
import { DelbenchError } from '../../db/errors.js'
import { readResults } from '../../reports/read-results.js'
import { writeReports } from '../../reports/write-reports.js'
import { out } from '../output.js'

export function reportCommand(): Command {
  return new Command('report')
    .description('render report.md, report.html and charts/*.png again from a saved results.json')
    .argument('<results.json>', 'a results file written by delbench run')
    .option('--out <dir>', 'folder for the reports (default: the results file’s folder)')
    .action(async (file: string, flags: { out?: string }) => {
      if (!file.trim()) throw new DelbenchError('report needs the path of a results.json')
      const document = readResults(file)
      const dir = path.resolve(flags.out ?? path.dirname(file))
      const written = await writeReports(dir, document)
      const shown = (name: string) => {
        const relative = path.relative(process.cwd(), path.join(dir, name))
        return relative.startsWith('..') ? path.join(dir, name) : relative
      }
      out(
        `report: ${shown(written.markdown)}, ${shown(written.html)} and ${written.charts.length} charts in ${shown('charts')}`,
      )
    })
}
