import fs from 'node:fs'
import path from 'node:path'
import { Command } from 'commander'
import { COMMAND_DESCRIPTIONS } from '../command-index.js'
import { DelbenchError } from '../../core/errors.js'
import { EXPORT_FILES, EXPORT_FORMATS, type ExportFormat } from '../../reports/export-formats.js'
import type { ResultsDocument } from '../../core/results-schema.js'
import { assertWritableDirectory } from '../../reports/write-results.js'
import { writeFileAtomic } from '../../reports/write-results.js'
import { out, shownPath } from '../output.js'

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

/**
 * The results files named: files as given; a folder stands for its results.json and those of the
 * run folders in it (`results/` holds one per run). Each file once, however it was reached.
 */
function resultsFiles(inputs: readonly string[]): string[] {
  const found: string[] = []
  for (const input of inputs) {
    if (!input.trim()) throw new DelbenchError('report needs the path of a results.json')
    if (fs.existsSync(input) && fs.statSync(input).isDirectory()) {
      const candidates = [
        path.join(input, 'results.json'),
        ...fs.readdirSync(input).map((entry) => path.join(input, entry, 'results.json')),
      ].filter((f) => fs.existsSync(f))
      if (candidates.length === 0) throw new DelbenchError(`no results.json in ${input} or the folders in it`)
      found.push(...candidates)
    } else found.push(input)
  }
  const seen = new Set<string>()
  return found.filter((f) => {
    const real = fs.existsSync(f) ? fs.realpathSync(f) : path.resolve(f)
    if (seen.has(real)) return false
    seen.add(real)
    return true
  })
}

export function reportCommand(): Command {
  return new Command('report')
    .description(COMMAND_DESCRIPTIONS['report'])
    .argument(
      '<results...>',
      'a results.json written by delbench run; several files (or folders of runs) add a history of each figure',
    )
    .option('--out <dir>', 'folder for the reports (default: the newest results file’s folder)')
    .option(
      '--export <formats>',
      `also write the results for a dashboard: ${EXPORT_FORMATS.join(', ')} (as ${Object.values(EXPORT_FILES).join(', ')})`,
    )
    .action(async (inputs: string[], flags: { out?: string; export?: string }) => {
      const formats = exportFormats(flags.export)
      const files = resultsFiles(inputs)
      // The schema reader and the chart renderers load with the work, not with `--help`.
      const [{ readResults }, { writeReports }, { chronological }, { exportResults }] = await Promise.all([
        import('../../reports/read-results.js'),
        import('../../reports/write-reports.js'),
        import('../../reports/history-charts.js'),
        import('../../reports/exports.js'),
      ])
      const documents = files.map((file) => ({ file, document: readResults(file) }))
      // The newest run is the report; all of them make its history.
      const newest = chronological(documents.map((d) => d.document)).at(-1) as ResultsDocument
      const file = documents.find((d) => d.document === newest)?.file as string
      const document = newest
      const dir = path.resolve(flags.out ?? path.dirname(file))
      assertWritableDirectory(dir)
      const written = await writeReports(
        dir,
        document,
        documents.map((d) => d.document),
      )
      const shown = (name: string) => shownPath(path.join(dir, name))
      out(
        `report: ${shown(written.markdown)}, ${shown(written.html)} and ${written.charts.length} charts in ${shown('charts')}${files.length > 1 ? ` (history of ${files.length} results files)` : ''}`,
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
