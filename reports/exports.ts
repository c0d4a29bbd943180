import type { ResultsDocument, RunRecord } from '../core/results-schema.js'
import { marginOfError } from '../core/margin-of-error.js'
import { strategyLabel } from '../core/strategy-label.js'

import type { ExportFormat } from './export-formats.js'

export { EXPORT_FILES, EXPORT_FORMATS, type ExportFormat } from './export-formats.js'

/** One entry of github-action-benchmark's `customSmallerIsBetter` tool. */
export interface GithubBenchmarkEntry {
  readonly name: string
  readonly unit: string
  readonly value: number
  readonly range?: string
  readonly extra?: string
}

/** Bencher Metric Format: benchmark name → measure slug → metric. */
export type BencherMetrics = Record<
  string,
  Record<string, { readonly value: number; readonly lower_value?: number; readonly upper_value?: number }>
>

/** A stable benchmark name: where, what, at which scale, how (with options). */
function benchmarkName(run: RunRecord): string {
  const how = strategyLabel(run.strategy, run.options, { sorted: true, compact: true })
  return `${run.database.kind}/${run.scenario}/x${run.scale}/${how}`
}

/**
 * Only correct runs are exported: a dashboard plots figures, and a wrong or failed run has none that
 * mean anything (its verdict is what `delbench compare` gates on).
 */
const correct = (document: ResultsDocument) => document.runs.filter((r) => r.status === 'ok' && r.timing)

/** github-action-benchmark's custom "smaller is better" JSON: time, statements and peak memory per run. */
export function githubActionBenchmark(document: ResultsDocument): GithubBenchmarkEntry[] {
  return correct(document).flatMap((run) => {
    const timing = run.timing as NonNullable<RunRecord['timing']>
    const rme = marginOfError(timing)
    const name = benchmarkName(run)
    const extra = `${timing.samples.length} samples; ${document.environment.gitCommit ?? 'no commit'}`
    return [
      {
        name: `${name} time`,
        unit: 'ms',
        value: timing.median,
        ...(rme === undefined ? {} : { range: `± ${((rme / 100) * timing.mean).toFixed(3)}` }),
        extra,
      },
      ...(run.statements
        ? [{ name: `${name} statements`, unit: 'statements', value: run.statements.total }]
        : []),
      ...(run.memory ? [{ name: `${name} peak RSS`, unit: 'bytes', value: run.memory.peakRssBytes }] : []),
    ]
  })
}

/** Bencher Metric Format: latency (nanoseconds, median with min and max), statements, round trips, peak RSS. */
export function bencherMetrics(document: ResultsDocument): BencherMetrics {
  const metrics: BencherMetrics = {}
  for (const run of correct(document)) {
    const timing = run.timing as NonNullable<RunRecord['timing']>
    const ns = (ms: number) => Math.round(ms * 1e6)
    metrics[benchmarkName(run)] = {
      latency: { value: ns(timing.median), lower_value: ns(timing.min), upper_value: ns(timing.max) },
      ...(run.statements ? { statements: { value: run.statements.total } } : {}),
      ...(run.roundTrips !== undefined ? { 'round-trips': { value: run.roundTrips } } : {}),
      ...(run.memory ? { 'peak-rss': { value: run.memory.peakRssBytes } } : {}),
    }
  }
  return metrics
}

export function exportResults(document: ResultsDocument, format: ExportFormat): unknown {
  return format === 'bencher' ? bencherMetrics(document) : githubActionBenchmark(document)
}
