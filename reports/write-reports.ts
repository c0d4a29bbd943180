import fs from 'node:fs'
import path from 'node:path'
import { redact } from '../core/redact.js'
import { reportCharts } from './chart-specs.js'
import { historyCharts } from './history-charts.js'
import { htmlReport } from './html-report.js'
import { markdownReport } from './markdown-report.js'
import { renderPng } from './png-charts.js'
import { reportGroups } from './report-model.js'
import type { ResultsDocument } from '../core/results-schema.js'
import { writeFileAtomic } from './write-results.js'

/** What `writeReports` wrote, relative to its folder. */
export interface WrittenReports {
  readonly markdown: string
  readonly html: string
  readonly charts: readonly string[]
}

/**
 * Renders every report of a results document into `dir`: report.md, report.html and charts/*.png,
 * with a history section when several results files are given.
 * Each file is written atomically; the charts folder is built aside and swapped in whole, so a reader
 * never sees a report whose images belong to another run.
 */
export async function writeReports(
  dir: string,
  document: ResultsDocument,
  /** Several results files (this one among them): their trends are drawn too. */
  history: readonly ResultsDocument[] = [],
): Promise<WrittenReports> {
  const groups = reportGroups(document)
  const charts = [...reportCharts(groups), ...(history.length > 1 ? historyCharts(history) : [])]
  const chartsDir = path.join(dir, 'charts')
  const building = `${chartsDir}.tmp-${process.pid}`
  fs.rmSync(building, { recursive: true, force: true })
  fs.mkdirSync(building, { recursive: true })
  try {
    for (const chart of charts)
      writeFileAtomic(path.join(building, `${chart.id}.png`), await renderPng(chart))
    const old = `${chartsDir}.old-${process.pid}`
    if (fs.existsSync(chartsDir)) fs.renameSync(chartsDir, old)
    fs.renameSync(building, chartsDir)
    fs.rmSync(old, { recursive: true, force: true })
  } finally {
    fs.rmSync(building, { recursive: true, force: true })
  }
  writeFileAtomic(path.join(dir, 'report.md'), redact(markdownReport(document, groups, charts)))
  writeFileAtomic(path.join(dir, 'report.html'), redact(htmlReport(document, groups, charts)))
  return {
    markdown: 'report.md',
    html: 'report.html',
    charts: charts.map((c) => path.join('charts', `${c.id}.png`)),
  }
}
