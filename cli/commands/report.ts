import path from 'node:path'
import { Command } from 'commander'
import { DelbenchError } from '../../db/errors.js'
import { EXPORT_FILES, EXPORT_FORMATS, exportResults, type ExportFormat } from '../../reports/exports.js'
import { readResults } from '../../reports/read-results.js'
import { writeReports } from '../../reports/write-reports.js'
import { writeFileAtomic } from '../../reports/write-results.js'
import { out } from '../output.js'

/** `--export a,b`: known formats only, or one line naming the choices. */
function exportFormats(value: string | undefined): ExportFormat[] {
  if (value === undefined) return []
  const formats = value.split(',').map((f) => f.trim())
  for (const format of formats) {
    if (!(EXPORT_FORMATS as readonly string[]).includes(format))
      throw new DelbenchError(
        `--export takes ${EXPORT_FORMATS.join(' or ')} (comma list for both), not '${format}'`,
      )
  }
  return [...new Set(formats)] as ExportFormat[]
}

export function reportCommand(): Command {
  return new Command('report')
    .description(
      'render report.md, report.html and charts/*.png again from a saved results.json (and export it for dashboards)',
    )
    .argument('<results.json>', 'a results file written by delbench run')
    .option('--out <dir>', 'folder for the reports (default: the results file’s folder)')
    .option(
      '--export <formats>',
      `also write the results for a dashboard: ${EXPORT_FORMATS.join(', ')} (as ${Object.values(EXPORT_FILES).join(', ')})`,
    )
    .action(async (file: string, flags: { out?: string; export?: string }) => {
      if (!file.trim()) throw new DelbenchError('report needs the path of a results.json')
      const formats = exportFormats(flags.export)
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
      for (const format of formats) {
        writeFileAtomic(
          path.join(dir, EXPORT_FILES[format]),
          JSON.stringify(exportResults(document, format), null, 2) + '\n',
        )
        out(`${format}: ${shown(EXPORT_FILES[format])}`)
      }
    })
}
