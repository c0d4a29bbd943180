import { mannWhitney, type MannWhitneyResult } from './mann-whitney.js'
import { formatBytes, formatCount, formatMs } from './report-format.js'
import { runIdentity } from './report-model.js'
import type { ResultsDocument, RunRecord } from '../core/results-schema.js'

import { DEFAULT_COMPARE, MEMORY_FLOOR_BYTES, type CompareOptions } from './compare-options.js'
import { workFindings } from './compare-work.js'
import { againstDrift, commonDrift, driftLine, type Drift } from './compare-drift.js'

export { DEFAULT_COMPARE, type CompareOptions } from './compare-options.js'

export type Finding = { readonly kind: 'regression' | 'improvement' | 'note'; readonly text: string }

/** One run of HEAD set against the same run of BASE. */
export interface RunComparison {
  readonly key: string
  readonly label: string
  readonly base: RunRecord | undefined
  readonly head: RunRecord | undefined
  readonly time?: {
    readonly baseMedian: number
    readonly headMedian: number
    readonly change: number
    readonly test: MannWhitneyResult
  }
  readonly findings: readonly Finding[]
}

export interface Comparison {
  readonly options: CompareOptions
  readonly runs: readonly RunComparison[]
  /** Said once: too few samples, runs on one side only, the drift the runs shared. */
  readonly warnings: readonly string[]
  /** The time change all runs shared (the machine between the two runs), where enough runs tell it. */
  readonly drift?: Drift
  readonly regressions: number
  readonly improvements: number
}

const percent = (change: number) => `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`

/** Exact figures: any more statements of a kind or round trips, any change in rows deleted or verdict. */
function exactFindings(base: RunRecord, head: RunRecord): Finding[] {
  const findings: Finding[] = []
  if (base.status !== head.status) {
    const worse = base.status === 'ok' || (base.status === 'timeout' && head.status !== 'ok')
    findings.push({
      kind: worse ? 'regression' : 'improvement',
      text: `verdict ${base.status} → ${head.status}${head.status !== 'ok' && head.error ? ` (${head.error})` : ''}`,
    })
  } else if (
    head.status === 'wrong-result' &&
    JSON.stringify(base.verification?.problems) !== JSON.stringify(head.verification?.problems)
  ) {
    findings.push({
      kind: 'regression',
      text: `wrong in another way: ${head.verification?.problems.join('; ') ?? ''}`,
    })
  }
  if (base.statements && head.statements) {
    for (const kind of Object.keys(head.statements) as (keyof typeof head.statements)[]) {
      if (kind === 'total') continue
      const delta = head.statements[kind] - base.statements[kind]
      if (delta !== 0)
        findings.push({
          kind: delta > 0 ? 'regression' : 'improvement',
          text: `${delta > 0 ? '+' : ''}${formatCount(delta)} ${kind} ${Math.abs(delta) === 1 ? 'statement' : 'statements'} (${formatCount(base.statements[kind])} → ${formatCount(head.statements[kind])})`,
        })
    }
  }
  if (base.roundTrips !== undefined && head.roundTrips !== undefined && head.roundTrips !== base.roundTrips) {
    const delta = head.roundTrips - base.roundTrips
    findings.push({
      kind: delta > 0 ? 'regression' : 'improvement',
      text: `${delta > 0 ? '+' : ''}${formatCount(delta)} round trips`,
    })
  }
  if (base.rowsDeleted && head.rowsDeleted && base.status === head.status) {
    for (const table of new Set([...Object.keys(base.rowsDeleted), ...Object.keys(head.rowsDeleted)])) {
      const before = base.rowsDeleted[table] ?? 0
      const after = head.rowsDeleted[table] ?? 0
      if (before !== after)
        findings.push({
          kind: 'regression',
          text: `rows deleted from ${table}: ${formatCount(before)} → ${formatCount(after)}`,
        })
    }
  }
  return findings
}

/** Why the time of two runs was not tested, when one has no timing to test. */
function untestedTime(base: RunRecord, head: RunRecord): string | undefined {
  const side = base.status !== 'ok' ? ['BASE', base] : head.status !== 'ok' ? ['HEAD', head] : undefined
  if (side) {
    const [name, run] = side as [string, RunRecord]
    // A status change is a finding of its own; an unchanged one only needs the reason here.
    return base.status === head.status
      ? `time not tested: ${run.status} on both sides`
      : `time not tested: ${name} is ${run.status}`
  }
  return base.timing && head.timing ? undefined : 'time not tested: no timing recorded'
}

/**
 * Why a run has too few samples where its budget, not the iteration settings, held it to them: said on
 * the run, and not counted among the runs whose settings make the time test blind.
 */
function budgetLimited(base: RunRecord, head: RunRecord): string | undefined {
  const sides = [
    ['BASE', base],
    ['HEAD', head],
  ] as const
  const limited = sides.filter(([, run]) => run.iterationStop?.reason === 'budget')
  if (limited.length === 0) return undefined
  return `: the budget held ${limited.map(([side, run]) => `${side} to ${run.iterations}`).join(' and ')} (raise --timeout to test it)`
}

/**
 * The time change that counts between two runs: the threshold, or the two runs' margins of error
 * combined (√(rme² + rme²)) where that is wider. Two runs of the same code on a busy machine differ
 * significantly by a few tens of percent when their samples are tight in each run and the load
 * shifted between them; a change inside what either run could not pin down is no regression.
 */
function timeThreshold(
  base: NonNullable<RunRecord['timing']>,
  head: NonNullable<RunRecord['timing']>,
  options: CompareOptions,
): number {
  return Math.max(options.threshold, Math.hypot(base.rme, head.rme) / 100)
}

/**
 * The time test of two runs, its findings added to `findings`. `blind`: the settings (too few iterations,
 * not the budget) left too few samples for the test to reach `alpha`.
 */
function timeFindings(
  b: RunRecord,
  h: RunRecord,
  options: CompareOptions,
  drift: Drift | undefined,
  findings: Finding[],
): { time?: RunComparison['time']; blind: boolean } {
  if (!(b.status === 'ok' && h.status === 'ok' && b.timing && h.timing)) {
    const untested = untestedTime(b, h)
    if (untested) findings.push({ kind: 'note', text: untested })
    return { blind: false }
  }
  const test = mannWhitney(h.timing.samples, b.timing.samples)
  const change = h.timing.median / b.timing.median - 1
  const time = { baseMedian: b.timing.median, headMedian: h.timing.median, change, test }
  if (test.smallestP > options.alpha) {
    const budgeted = budgetLimited(b, h)
    findings.push({
      kind: 'note',
      text: `time not tested: ${b.timing.samples.length} against ${h.timing.samples.length} samples cannot reach p < ${options.alpha} (the smallest p possible is ${test.smallestP.toPrecision(2)}; 4 a side can)${budgeted ?? ''}`,
    })
    return { time, blind: !budgeted }
  }
  const threshold = timeThreshold(b.timing, h.timing, options)
  if (test.p >= options.alpha || Math.abs(change) <= threshold) return { time, blind: false }
  const { net, standsOut } = againstDrift(drift, b.timing.median, h.timing.median)
  const beside = drift ? `; ${percent(net)} beside the other runs` : ''
  findings.push(
    standsOut && Math.abs(net) > threshold
      ? {
          kind: change > 0 ? 'regression' : 'improvement',
          text: `time ${percent(change)} (${formatMs(b.timing.median)} → ${formatMs(h.timing.median)}, p = ${test.p.toPrecision(2)}${beside})`,
        }
      : {
          kind: 'note',
          text: `time ${percent(change)} (p = ${test.p.toPrecision(2)}) moved with the other runs${beside}: not gated`,
        },
  )
  return { time, blind: false }
}

/**
 * Compares HEAD's runs with BASE's. Exact figures gate exactly; time gates only when the Mann-Whitney
 * U test rejects "same distribution" at `alpha` and the median moved by more than `timeThreshold`; peak
 * memory by `memoryThreshold`.
 */
export function compareResults(
  base: ResultsDocument,
  head: ResultsDocument,
  options: CompareOptions = DEFAULT_COMPARE,
): Comparison {
  const baseRuns = new Map(base.runs.map((r) => [runIdentity(r), r]))
  const headRuns = new Map(head.runs.map((r) => [runIdentity(r), r]))
  const warnings: string[] = []
  const runs: RunComparison[] = []
  let blind = 0
  const timed = (r: RunRecord | undefined) => (r?.status === 'ok' ? r.timing : undefined)
  const drift = commonDrift(
    [...headRuns].flatMap(([key, h]) => {
      const b = timed(baseRuns.get(key))
      const t = timed(h)
      return b && t ? [[b.median, t.median] as const] : []
    }),
  )
  for (const key of new Set([...baseRuns.keys(), ...headRuns.keys()])) {
    const b = baseRuns.get(key)
    const h = headRuns.get(key)
    if (!b || !h) {
      runs.push({
        key,
        label: key,
        base: b,
        head: h,
        findings: [
          b
            ? { kind: 'regression', text: 'missing in HEAD: the run did not happen' }
            : { kind: 'note', text: 'new in HEAD: nothing to compare with' },
        ],
      })
      continue
    }
    const findings = [...exactFindings(b, h), ...workFindings(b, h, options.workTolerance)]
    const { time, blind: timeBlind } = timeFindings(b, h, options, drift, findings)
    if (timeBlind) blind++
    if (b.memory && h.memory) {
      const change = h.memory.peakRssBytes / b.memory.peakRssBytes - 1
      const moved = Math.abs(h.memory.peakRssBytes - b.memory.peakRssBytes)
      if (Math.abs(change) > options.memoryThreshold && moved > MEMORY_FLOOR_BYTES)
        findings.push({
          kind: change > 0 ? 'regression' : 'improvement',
          text: `peak RSS ${percent(change)} (${formatBytes(b.memory.peakRssBytes)} → ${formatBytes(h.memory.peakRssBytes)})`,
        })
    }
    runs.push({ key, label: key, base: b, head: h, ...(time ? { time } : {}), findings })
  }
  if (blind > 0)
    warnings.push(
      `${blind} ${blind === 1 ? 'run has' : 'runs have'} too few samples for the time test to reach α = ${options.alpha} whatever the figures (3 against 3 cannot go below p = 0.1): time changes there are shown, never gated; run with at least 4 iterations a side (5 is safer)`,
    )
  const missing = runs.filter((r) => !r.head).length
  if (missing > 0) warnings.push(`${missing} ${missing === 1 ? 'run' : 'runs'} of BASE missing in HEAD`)
  if (drift) warnings.push(driftLine(drift))
  const count = (kind: Finding['kind']) => runs.filter((r) => r.findings.some((f) => f.kind === kind)).length
  return {
    options,
    runs,
    warnings,
    ...(drift ? { drift } : {}),
    regressions: count('regression'),
    improvements: count('improvement'),
  }
}

/** Why two files cannot be compared at all, or undefined: nothing in common, or other databases or scales. */
export function incomparable(base: ResultsDocument, head: ResultsDocument): string | undefined {
  const keys = new Set(base.runs.map(runIdentity))
  if (base.runs.length === 0) return 'BASE has no runs to compare with'
  if (head.runs.length === 0) return 'HEAD has no runs (was it interrupted before the first one finished?)'
  if (head.runs.some((r) => keys.has(runIdentity(r)))) return undefined
  const what = (doc: ResultsDocument, pick: (r: RunRecord) => string) =>
    [...new Set(doc.runs.map(pick))].join(', ')
  for (const [name, pick] of [
    ['databases', (r: RunRecord) => r.database.kind],
    ['scenarios', (r: RunRecord) => r.scenario],
    ['scales', (r: RunRecord) => String(r.scale)],
    ['strategies', (r: RunRecord) => r.strategy],
  ] as const) {
    if (what(base, pick) !== what(head, pick))
      return `no run of HEAD matches one of BASE: ${name} differ (BASE: ${what(base, pick)}; HEAD: ${what(head, pick)})`
  }
  return 'no run of HEAD matches one of BASE (same database, scenario, scale, strategy and options)'
}

const cell = (text: string) => text.replace(/\|/g, '\\|')

/** The delta table as Markdown, fit for a pull-request comment. */
export function comparisonMarkdown(comparison: Comparison, baseName: string, headName: string): string {
  const { options } = comparison
  const lines = [
    '## delbench compare',
    '',
    `BASE \`${baseName}\` → HEAD \`${headName}\`: **${comparison.regressions} ${comparison.regressions === 1 ? 'regression' : 'regressions'}**, ${comparison.improvements} ${comparison.improvements === 1 ? 'improvement' : 'improvements'}, ${comparison.runs.length} runs compared.`,
    '',
    `Statements (by kind), round trips, rows deleted and verdicts gate exactly. Time gates when the two-sided Mann-Whitney U test rejects equal distributions at α = ${options.alpha} and the median moved by more than ${(options.threshold * 100).toFixed(0)}% and more than the two runs' margins of error combined, and, where five or more runs are timed on both sides, apart from the change they all shared; peak RSS when it moved by more than ${(options.memoryThreshold * 100).toFixed(0)}% and 16 MiB; the database’s deterministic work counters when one moved by more than ${(options.workTolerance * 100).toFixed(0)}%.`,
    '',
    '| | run | median BASE → HEAD | Δ | p | statements | findings |',
    '|:---|:---|---:|---:|---:|---:|:---|',
  ]
  const order = (r: RunComparison) =>
    r.findings.some((f) => f.kind === 'regression')
      ? 0
      : r.findings.some((f) => f.kind === 'improvement')
        ? 1
        : 2
  for (const run of [...comparison.runs].sort((a, b) => order(a) - order(b))) {
    const mark = order(run) === 0 ? '❌' : order(run) === 1 ? '✅' : ''
    const time = run.time
    lines.push(
      `| ${mark} | ${cell(run.label)} | ${time ? `${formatMs(time.baseMedian)} → ${formatMs(time.headMedian)}` : '–'} | ${time ? percent(time.change) : '–'} | ${time ? time.test.p.toPrecision(2) : '–'} | ${run.base?.statements && run.head?.statements ? `${formatCount(run.base.statements.total)} → ${formatCount(run.head.statements.total)}` : '–'} | ${cell(run.findings.map((f) => (f.kind === 'note' ? f.text : `${f.kind}: ${f.text}`)).join('; ') || 'unchanged')} |`,
    )
  }
  if (comparison.warnings.length) lines.push('', ...comparison.warnings.map((w) => `> ⚠️ ${w}`))
  return lines.join('\n') + '\n'
}
