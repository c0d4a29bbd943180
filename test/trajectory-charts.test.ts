import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { resultsSchema, type ResultsDocument } from '../core/results-schema.js'
import { reportCharts } from '../reports/chart-specs.js'
import { renderPng } from '../reports/png-charts.js'
import { strategyFigures } from '../reports/report-prose.js'
import { reportGroups } from '../reports/report-model.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))

/** The SQLite fixture with a batch trajectory on one bookstore run and a backlog on one library run. */
function documentWithSeries(): ResultsDocument {
  const document = JSON.parse(
    fs.readFileSync(path.join(HERE, 'fixtures/results-sqlite.json'), 'utf8'),
  ) as ResultsDocument
  const batched = document.runs.find(
    (r) => r.scenario === 'bookstore' && r.status === 'ok' && r.strategy === 'batched',
  )
  const library = document.runs.find((r) => r.scenario === 'library' && r.status === 'ok')
  if (!batched || !library) throw new Error('the fixture lacks the runs this test decorates')
  Object.assign(batched, {
    options: { ...batched.options, chunkTimeMs: 100 },
    batches: [
      { atMs: 20, size: 1000, rows: 1000, ms: 20 },
      { atMs: 120, size: 5000, rows: 5000, ms: 100 },
      { atMs: 200, size: 5000, rows: 4000, ms: 80 },
    ],
  })
  Object.assign(library, {
    figures: { userDeleteMs: 12.5, cleanupMs: 80, cleanupPasses: 1, backlogPeak: 1 },
    backlog: [
      [0, 0],
      [13, 1],
      [93, 0],
    ],
  })
  return resultsSchema.parse(document)
}

describe('charts of what strategies record over time', () => {
  const groups = reportGroups(documentWithSeries())
  const charts = reportCharts(groups)

  it('draws batch size and batch time with the target, on two axes', async () => {
    const chart = charts.find((c) => c.id.endsWith('-batches'))
    expect(chart?.title).toMatch(/^Batch size and batch time over the run — bookstore/)
    const datasets = chart?.config.data.datasets ?? []
    expect(datasets.map((d) => d.label?.replace(/^.*: /, ''))).toEqual([
      'batch size',
      'batch ms',
      'target ms',
    ])
    expect(datasets[0]?.data).toEqual([
      { x: 0.02, y: 1000 },
      { x: 0.12, y: 5000 },
      { x: 0.2, y: 5000 },
    ])
    expect(datasets[2]?.data).toEqual([
      { x: 0, y: 100 },
      { x: 0.2, y: 100 },
    ])
    if (chart) expect((await renderPng(chart)).length).toBeGreaterThan(1000)
  })

  it('draws the backlog, and says the user-facing delete and cleanup times in words', async () => {
    const chart = charts.find((c) => c.id.endsWith('-backlog'))
    expect(chart?.title).toMatch(/^Cleanup backlog over time — library/)
    expect(chart?.config.data.datasets[0]?.data).toEqual([
      { x: 0, y: 0 },
      { x: 0.013, y: 1 },
      { x: 0.093, y: 0 },
    ])
    const library = groups.find((g) => g.scenario === 'library')
    expect(library && strategyFigures(library).join('\n')).toMatch(
      /: user-facing delete 13 ms; cleanup 80 ms; 1 cleanup pass; backlog peak 1 queued keys$/,
    )
    if (chart) expect((await renderPng(chart)).length).toBeGreaterThan(1000)
  })
})
