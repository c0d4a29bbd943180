import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { historyCharts } from '../reports/history-charts.js'
import type { ResultsDocument, RunRecord } from '../core/results-schema.js'
import { runCli } from './support/run-cli.js'
import { tempFolder } from './support/test-server.js'

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/results-sqlite.json')

/** The fixture as if run at `startedAt` on `commit`, with bookstore's batched (1000) median set. */
function runAt(startedAt: string, commit: string, median: number): ResultsDocument {
  const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as ResultsDocument
  doc.environment.startedAt = startedAt
  doc.environment.gitCommit = commit
  const run = doc.runs.find(
    (r) => r.scenario === 'bookstore' && r.strategy === 'batched' && r.options.batchSize === 1000,
  ) as RunRecord
  if (run.timing) run.timing.median = median
  return doc
}

const HISTORY = [
  runAt('2026-11-03T10:00:00.000Z', 'c0ffee0000000000', 30),
  runAt('2026-11-01T10:00:00.000Z', 'abcdef0000000000', 10),
  runAt('2026-11-02T10:00:00.000Z', 'bead000000000000', 20),
]

describe('history over several results files', () => {
  it('draws each figure per strategy, oldest file first, labelled by commit', () => {
    const charts = historyCharts(HISTORY)
    const time = charts.find((c) => c.id === 'history-sqlite-bookstore-0.02-time')
    expect(time?.config.data.labels).toEqual([
      'abcdef0 2026-11-01 10:00',
      'bead000 2026-11-02 10:00',
      'c0ffee0 2026-11-03 10:00',
    ])
    const batched = time?.config.data.datasets.find((d) => d.label === 'batched (batchSize=1000 sleepMs=0)')
    expect(batched?.data).toEqual([10, 20, 30])
    // A strategy never correct (per-row on library: wrong every time) is not drawn at all.
    const library = charts.find((c) => c.id === 'history-sqlite-library-0.02-time')
    expect(library?.config.data.datasets.map((d) => d.label)).not.toContain('per-row')
    expect(library?.config.data.datasets.length).toBeGreaterThan(0)
    // Four scenarios, two figures each.
    expect(charts).toHaveLength(8)
  })

  it('delbench report over files or a folder of runs writes the history into the newest report', async () => {
    const runs = tempFolder('history')
    HISTORY.forEach((doc, i) => {
      fs.mkdirSync(path.join(runs, `run-${i}`))
      fs.writeFileSync(path.join(runs, `run-${i}`, 'results.json'), JSON.stringify(doc))
    })
    const out = tempFolder('history-out')
    const result = await runCli(['report', runs, '--out', out])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('(history of 3 results files)')
    const markdown = fs.readFileSync(path.join(out, 'report.md'), 'utf8')
    // The newest file is the report.
    expect(markdown).toContain('run 2026-11-03T10:00:00.000Z')
    expect(markdown).toContain('## History')
    expect(markdown).toContain('(charts/history-sqlite-bookstore-0.02-time.png)')
    expect(fs.existsSync(path.join(out, 'charts', 'history-sqlite-job-history-0.02-statements.png'))).toBe(
      true,
    )
    expect(fs.readFileSync(path.join(out, 'report.html'), 'utf8')).toContain(
      'id="history-sqlite-bookstore-0.02-time"',
    )

    const empty = await runCli(['report', tempFolder('no-runs')])
    expect(empty.code).toBe(2)
    expect(empty.stderr).toMatch(/^delbench: no results\.json in .* or the folders in it\n$/)
  })
})
