import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { ChartSpec } from './chart-specs.js'
import { decorateChart } from './chart-runtime.js'
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
import { planWarnings, topTemplates, workFigures } from './profile-prose.js'
import type { ResultsDocument } from '../core/results-schema.js'

/** chart.js's browser build, read from the installed package so the page needs no network. */
function chartJsSource(): string {
  const main = createRequire(import.meta.url).resolve('chart.js')
  return fs.readFileSync(path.join(path.dirname(main), 'chart.umd.min.js'), 'utf8')
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  )

/** JSON that is safe inside a <script> element: no `</script>`, no HTML comment openers. */
const scriptJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')

/** Columns holding figures: right-aligned, in tabular digits. */
const NUMERIC = new Set(['#', 'median', '±', 'vs fastest', 'rows/s', 'statements', 'round trips'])

function htmlTable(group: ReportGroup): string {
  const { header, rows } = tableCells(group)
  const head = header.map((h) => `<th${NUMERIC.has(h) ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('')
  const body = rows
    .map((cells, i) => {
      const status = group.rows[i]?.run.status ?? 'ok'
      const tds = cells
        .map((c, j) => {
          const h = header[j] ?? ''
          const cls = NUMERIC.has(h)
            ? 'num'
            : h === 'verdict'
              ? `verdict ${status}`
              : h === 'by kind'
                ? 'kinds'
                : ''
          return `<td${cls ? ` class="${cls}"` : ''}>${escapeHtml(c)}</td>`
        })
        .join('')
      return `<tr class="${status}">${tds}</tr>`
    })
    .join('\n')
  return `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`
}

const STYLE = `
:root { color-scheme: light; --ink: #1d2329; --muted: #5b6670; --line: #d9dee3; --bad: #b3261e; --warn: #8a5a00; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 60px; }
h1 { font-size: 26px; margin: 0 0 8px; }
h2 { font-size: 20px; margin: 40px 0 6px; padding-top: 12px; border-top: 2px solid var(--line); }
.env { margin: 8px 0; padding-left: 20px; color: var(--muted); }
pre { background: #f4f6f8; padding: 10px 12px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.guide, .summary { max-width: 880px; }
.summary { font-weight: 500; }
nav ul { columns: 2; padding-left: 20px; }
.table-wrap { overflow-x: auto; margin: 12px 0; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: #f4f6f8; position: sticky; top: 0; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.kinds { color: var(--muted); font-size: 12px; max-width: 220px; }
td.nowrap { white-space: nowrap; }
td.verdict { max-width: 340px; }
tr.wrong-result td, tr.failed td { color: var(--bad); }
tr.timeout td { color: var(--warn); }
tr.unsupported td { color: var(--muted); }
.verdict.ok { color: #1e6b34; }
.problems { color: var(--bad); font-size: 13px; }
.figures { font-size: 13px; }
.charts { display: grid; grid-template-columns: minmax(0, 940px); gap: 18px; margin-top: 16px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: #fff; }
canvas { display: block; width: 100%; }
@media print {
  body { font-size: 11px; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  section { break-before: page; }
  figure, tr { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  th { position: static; }
}
`

const canvas = (c: ChartSpec) =>
  `<figure><canvas id="${c.id}" width="${c.width}" height="${c.height}" role="img" aria-label="${escapeHtml(c.title)}"></canvas></figure>`

const list = (cls: string, items: readonly string[]) =>
  items.length ? `<ul class="${cls}">${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>` : ''

const heading = (text: string, items: readonly string[]) =>
  items.length ? `<h3>${escapeHtml(text)}</h3>` : ''

const isHistory = (c: ChartSpec) => c.group.startsWith('history-')

/** The links to each group (and to the history), shown when there is more than one place to go. */
function navigation(groups: readonly ReportGroup[], charts: readonly ChartSpec[]): string {
  const links = [
    ...groups.map((g) => `<li><a href="#${g.id}">${escapeHtml(g.title)}</a></li>`),
    ...(charts.some(isHistory) ? ['<li><a href="#history">History</a></li>'] : []),
  ]
  return links.length > 1 ? `<nav><ul>${links.join('')}</ul></nav>` : ''
}

/** One group: its reading, its table, its traffic problems and own figures, its charts. */
function groupSection(group: ReportGroup, charts: readonly ChartSpec[]): string {
  const figures = charts
    .filter((c) => c.group === group.id)
    .map(canvas)
    .join('\n')
  return `<section id="${group.id}">
<h2>${escapeHtml(group.title)}</h2>
<p class="summary">${escapeHtml(groupSummary(group))}</p>
${htmlTable(group)}
${list('problems', trafficProblems(group))}
${list('figures', strategyFigures(group))}
${heading('Warnings', planWarnings(group))}${list('warnings', planWarnings(group))}
${heading('Top statements by time (first iteration)', topTemplates(group))}${list('templates', topTemplates(group))}
${heading('Database work (deterministic counters)', workFigures(group))}${list('work', workFigures(group))}
${list('margins', marginShortfalls(group))}
<div class="charts">
${figures}
</div>
</section>`
}

/** The figures followed across results files, if any were given. */
function historySection(charts: readonly ChartSpec[]): string {
  const history = charts.filter(isHistory)
  return history.length
    ? `<section id="history">
<h2>History</h2>
<p class="summary">Each figure across the results files given, oldest first.</p>
<div class="charts">
${history.map(canvas).join('\n')}
</div>
</section>`
    : ''
}

/** chart.js and the script that draws every chart into its canvas. */
function chartScripts(charts: readonly ChartSpec[]): string {
  const specs = charts.map((c) => ({ id: c.id, aspect: c.width / c.height, config: c.config }))
  return `<script>${chartJsSource().replace(/<\/script/gi, '<\\/script')}</script>
<script>
(function () {
  var specs = ${scriptJson(specs)};
  var decorateChart = ${decorateChart.toString()};
  specs.forEach(function (spec) {
    var config = decorateChart(spec.config);
    // In the page the charts follow the layout (and the printed page), keeping their proportions.
    config.options.responsive = true;
    config.options.maintainAspectRatio = true;
    config.options.aspectRatio = spec.aspect;
    delete config.options.devicePixelRatio;
    new Chart(document.getElementById(spec.id), config);
  });
})();
</script>`
}

/**
 * report.html: one self-contained page (chart.js and the data inlined, nothing fetched) with the same
 * tables as the Markdown report and every chart drawn by chart.js in the browser.
 */
export function htmlReport(
  document: ResultsDocument,
  groups: readonly ReportGroup[],
  charts: readonly ChartSpec[],
): string {
  const env = environmentLines(document)
    .map((l) => `<li>${escapeHtml(l)}</li>`)
    .join('')
  const sections = groups.map((group) => groupSection(group, charts)).join('\n')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>delbench report — ${escapeHtml(document.environment.startedAt)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>delbench report</h1>
<ul class="env">${env}</ul>
<p>Reproduce with:</p>
<pre>${escapeHtml(document.environment.commandLine)}</pre>
<p class="guide">${escapeHtml(READING_GUIDE)}</p>
${navigation(groups, charts)}
${groups.length === 0 ? '<p>No run finished.</p>' : sections}
${historySection(charts)}
</main>
${chartScripts(charts)}
</body>
</html>
`
}
