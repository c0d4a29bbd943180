import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadImage, createCanvas } from '@napi-rs/canvas'
import { chromium } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { reportCharts } from '../reports/chart-specs.js'
import { historyCharts } from '../reports/history-charts.js'
import { htmlReport } from '../reports/html-report.js'
import { markdownReport } from '../reports/markdown-report.js'
import { PNG_SCALE, renderPng } from '../reports/png-charts.js'
import { readResults } from '../reports/read-results.js'
import { reportGroups } from '../reports/report-model.js'
import { BROWSER_HINT, browserSkipped, chromiumPath } from './support/browser.js'
import { readValidResults } from './support/results.js'
import { runCli } from './support/run-cli.js'
import { tempFolder } from './support/test-server.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
/** Results files of real runs: SQLite with a sweep, timeouts, failures and traffic; two servers. */
const SQLITE = path.join(HERE, 'fixtures/results-sqlite.json')
const SERVERS = path.join(HERE, 'fixtures/results-servers.json')
/** Screenshots for a human to look at (ignored by git). */
const OUTPUT = path.join(HERE, '..', 'test-output')

function load(file: string) {
  const document = readValidResults(file)
  const groups = reportGroups(document)
  return { document, groups, charts: reportCharts(groups) }
}

/** Share of pixels that are not (near) white or transparent: a drawn chart has plenty. */
function inkShare(data: Uint8ClampedArray): number {
  let ink = 0
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]] as number[]
    if ((a as number) > 0 && ((r as number) < 235 || (g as number) < 235 || (b as number) < 235)) ink++
  }
  return ink / (data.length / 4)
}

describe('reports from a results file', () => {
  it('rank correct runs fastest first, then timeouts by projection; wrong and failed runs are never ranked', () => {
    const { groups } = load(SQLITE)
    expect(groups.map((g) => g.scenario)).toEqual(['bookstore', 'library', 'error-log', 'job-history'])
    for (const group of groups) {
      const statuses = group.rows.map((r) => r.run.status)
      const firstOther = statuses.findIndex((s) => s !== 'ok')
      const ok = group.rows.filter((r) => r.run.status === 'ok')
      expect(ok.map((r) => r.rank)).toEqual(ok.map((_, i) => i + 1))
      if (firstOther >= 0) expect(statuses.slice(firstOther)).not.toContain('ok')
      const medians = ok.map((r) => r.run.timing?.median ?? 0)
      expect(medians).toEqual([...medians].sort((a, b) => a - b))
      expect(ok[0]?.ratio).toBe(1)
      const projected = group.rows
        .filter((r) => r.run.status === 'timeout')
        .map((r) => r.run.projection?.projectedMs ?? 0)
      expect(projected).toEqual([...projected].sort((a, b) => a - b))
      for (const row of group.rows.filter((r) => r.run.status !== 'ok')) {
        expect(row.rank).toBeNull()
        expect(row.ratio).toBeNull()
      }
    }
    // The batch-size sweep shows in labels only for the strategies that read it.
    const library = groups[1]
    expect(library?.rows.map((r) => r.label)).toContain('batched (batchSize=100)')
    expect(library?.rows.map((r) => r.label)).toContain('per-row')
  })

  it('report.md matches its reviewed snapshot, for SQLite and for two servers', async () => {
    for (const [file, snapshot] of [
      [SQLITE, 'report-sqlite.md'],
      [SERVERS, 'report-servers.md'],
    ] as const) {
      const { document, groups, charts } = load(file)
      const markdown = markdownReport(document, groups, charts)
      await expect(markdown).toMatchFileSnapshot(path.join(HERE, '__snapshots__', snapshot))
    }
  })

  it('report.md says what went wrong and what a timeout projects, and embeds every chart', () => {
    const { document, groups, charts } = load(SQLITE)
    const markdown = markdownReport(document, groups, charts)
    expect(markdown).toMatch(/\| – \| per-row \| .*WRONG: 100 donors not touched \|/)
    expect(markdown).toMatch(/\| – \| naive-bulk \| .*FAILED: FOREIGN KEY constraint failed \|/)
    expect(markdown).toMatch(/timeout: [\d,]+ of [\d,]+ rows in 4\.00 s, projected [\d.]+ (s|min)/)
    for (const chart of charts) expect(markdown).toContain(`(charts/${chart.id}.png)`)
    expect(markdown).toContain(document.environment.commandLine)
  })

  it('renders every chart to a non-blank PNG of the size its spec asks for', async () => {
    const { charts } = load(SQLITE)
    expect(charts.length).toBeGreaterThanOrEqual(20)
    for (const spec of charts) {
      const png = await renderPng(spec)
      expect(Buffer.from(png.subarray(0, 8)).toString('hex')).toBe('89504e470d0a1a0a')
      const image = await loadImage(Buffer.from(png))
      expect([image.width, image.height]).toEqual([spec.width * PNG_SCALE, spec.height * PNG_SCALE])
      const canvas = createCanvas(image.width, image.height)
      const ctx = canvas.getContext('2d')
      ctx.drawImage(image, 0, 0)
      const share = inkShare(ctx.getImageData(0, 0, image.width, image.height).data)
      // Axes, labels and bars or lines: a few percent of the pixels at least; a blank image has none.
      expect(share, spec.id).toBeGreaterThan(0.01)
    }
  })

  describe.skipIf(browserSkipped())('report.html in a real browser', () => {
    it('opens offline, logs no error, fetches nothing, and draws every chart, history included', async () => {
      const executablePath = chromiumPath()
      if (!executablePath) throw new Error(`no Chromium for the report test: ${BROWSER_HINT}`)
      const { document: results, groups, charts: own } = load(SQLITE)
      // With a history section too: the same run a day earlier stands for an older results file.
      const earlier = structuredClone(results)
      earlier.environment.startedAt = '2026-01-01T00:00:00.000Z'
      const charts = [...own, ...historyCharts([earlier, results])]
      expect(charts.length).toBeGreaterThan(own.length)
      const file = path.join(tempFolder('html'), 'report.html')
      fs.writeFileSync(file, htmlReport(results, groups, charts))
      const browser = await chromium.launch({
        executablePath,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      })
      try {
        const page = await browser.newPage({ viewport: { width: 1366, height: 900 } })
        const problems: string[] = []
        const requests: string[] = []
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text())
        })
        page.on('pageerror', (e) => problems.push(String(e)))
        page.on('request', (r) => requests.push(r.url()))
        await page.goto(`file://${file}`)
        await page.waitForLoadState('load')
        // Run in the page (as source text: this project compiles without the DOM's types).
        const drawn = (await page.evaluate(`[...document.querySelectorAll('canvas')].map((canvas) => {
          const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
          let ink = 0
          for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++
          return { id: canvas.id, share: ink / (data.length / 4) }
        })`)) as { id: string; share: number }[]
        fs.mkdirSync(OUTPUT, { recursive: true })
        await page.screenshot({ path: path.join(OUTPUT, 'report.png'), fullPage: true })
        expect(problems).toEqual([])
        expect(requests).toEqual([`file://${file}`])
        expect(drawn.map((d) => d.id)).toEqual(charts.map((c) => c.id))
        for (const { id, share } of drawn) expect(share, id).toBeGreaterThan(0.01)
        // The same tables as the Markdown report: one per group, one row per run.
        const rows = (await page.evaluate(
          `[...document.querySelectorAll('table')].map((t) => t.querySelectorAll('tbody tr').length)`,
        )) as number[]
        expect(rows).toEqual(groups.map((g) => g.rows.length))
      } finally {
        await browser.close()
      }
    })
  })
})

describe('delbench report', () => {
  it('regenerates report.md, report.html and the PNG charts from a saved results file', async () => {
    const out = tempFolder('report')
    const result = await runCli(['report', SQLITE, '--out', out])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const { charts } = load(SQLITE)
    expect(result.stdout).toContain(`and ${charts.length} charts`)
    expect(fs.readdirSync(path.join(out, 'charts')).sort()).toEqual(charts.map((c) => `${c.id}.png`).sort())
    expect(fs.readFileSync(path.join(out, 'report.md'), 'utf8')).toContain('# delbench report')
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8')
    expect(html).not.toMatch(/<script[^>]*\ssrc=|<link\s|<img\s/i)
    // Nothing left behind from writing atomically.
    expect(fs.readdirSync(out).sort()).toEqual(['charts', 'report.html', 'report.md'])
  })

  it.each([
    [
      'a missing file',
      (dir: string) => path.join(dir, 'nope.json'),
      /results file .*nope\.json does not exist/,
    ],
    [
      'a file that is not JSON',
      (dir: string) => write(dir, 'bad.json', '{"schemaVersion": 1,'),
      /bad\.json is not JSON/,
    ],
    [
      'a file of another schema version',
      (dir: string) => write(dir, 'v9.json', JSON.stringify({ schemaVersion: 9, runs: [] })),
      /v9\.json has results schemaVersion 9; this delbench reads version 1/,
    ],
    [
      'a results file with a broken field',
      (dir: string) => {
        const doc = JSON.parse(fs.readFileSync(SQLITE, 'utf8')) as { runs: { status: string }[] }
        ;(doc.runs[3] as { status: string }).status = 'great'
        return write(dir, 'broken.json', JSON.stringify(doc))
      },
      /broken\.json is not a delbench results file: runs\[3\]\.status: /,
    ],
  ])('rejects %s in one line, writing nothing', async (_what, make, message) => {
    const dir = tempFolder('bad-report')
    const result = await runCli(['report', make(dir), '--out', path.join(dir, 'out')])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false)
  })

  it('reads back exactly the document it was given', () => {
    expect(readResults(SQLITE)).toEqual(JSON.parse(fs.readFileSync(SQLITE, 'utf8')))
  })
})

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name)
  fs.writeFileSync(file, text)
  return file
}
