import type { ChartSpec } from './chart-specs.js'
import { tableCells } from './report-format.js'
import type { ReportGroup } from './report-model.js'
import {
  environmentLines,
  groupSummary,
  READING_GUIDE,
  marginShortfalls,
  strategyFigures,
  trafficProblems,
} from './report-prose.js'
import type { ResultsDocument } from '../core/results-schema.js'
import { planWarnings, topTemplates, workFigures } from './profile-prose.js'

/** A table cell: pipes escaped and line breaks flattened, so one cell never breaks the table. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ')

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  // Figures are right-aligned, words left-aligned.
  const right = new Set(['#', 'median', '±', 'vs fastest', 'rows/s', 'statements', 'round trips'])
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `|${header.map((h) => (right.has(h) ? '---:' : ':---')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ]
}

/**
 * report.md: the environment, the command to reproduce, then per database and scenario a table of the
 * runs, fastest correct first, with the charts below it (PNG files in `charts/`, beside the report).
 */
export function markdownReport(
  document: ResultsDocument,
  groups: readonly ReportGroup[],
  charts: readonly ChartSpec[],
  chartDir = 'charts',
): string {
  const lines: string[] = ['# delbench report', '']
  lines.push(...environmentLines(document).map((l) => `- ${l}`), '')
  lines.push('Reproduce with:', '', '```sh', document.environment.commandLine, '```', '')
  lines.push(READING_GUIDE, '')
  if (groups.length === 0) lines.push('_No run finished._', '')
  for (const group of groups) {
    lines.push(`## ${group.title}`, '')
    lines.push(groupSummary(group), '')
    const { header, rows } = tableCells(group)
    lines.push(...markdownTable(header, rows), '')
    const problems = trafficProblems(group).map((p) => `- ${p}`)
    if (problems.length) lines.push('Foreground errors:', '', ...problems, '')
    const figures = strategyFigures(group).map((f) => `- ${f}`)
    if (figures.length) lines.push('Strategy figures:', '', ...figures, '')
    const warnings = planWarnings(group).map((w) => `- ${w}`)
    if (warnings.length) lines.push('Warnings:', '', ...warnings, '')
    const templates = topTemplates(group).map((t) => `- ${t}`)
    if (templates.length) lines.push('Top statements by time (first iteration):', '', ...templates, '')
    const work = workFigures(group).map((w) => `- ${w}`)
    if (work.length) lines.push('Database work (deterministic counters):', '', ...work, '')
    const margins = marginShortfalls(group).map((m) => `- ${m}`)
    if (margins.length) lines.push('Margins short of their target:', '', ...margins, '')
    for (const chart of charts.filter((c) => c.group === group.id))
      lines.push(`![${chart.title}](${chartDir}/${chart.id}.png)`, '')
  }
  const history = charts.filter((c) => c.group.startsWith('history-'))
  if (history.length) {
    lines.push('## History', '', 'Each figure across the results files given, oldest first.', '')
    for (const chart of history) lines.push(`![${chart.title}](${chartDir}/${chart.id}.png)`, '')
  }
  return lines.join('\n').replace(/\n+$/, '\n')
}
