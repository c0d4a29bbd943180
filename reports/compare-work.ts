import type { RunRecord } from '../core/results-schema.js'
import { formatCount } from './report-format.js'
import type { Finding } from './compare.js'

/**
 * The database's deterministic work counters of two runs of one strategy (rows read, tuples fetched,
 * handler calls): a rise beyond `tolerance` is a regression even where time is too noisy to test.
 * Counters that are not deterministic (cache hits against reads, server-wide WAL) are never gated.
 */
export function workFindings(base: RunRecord, head: RunRecord, tolerance: number): Finding[] {
  if (base.status !== 'ok' || head.status !== 'ok') return []
  const before = base.work?.counters
  const after = head.work?.counters
  if (!before || !after || !base.work || !head.work) return []
  const gated = head.work.deterministic.filter((name) => base.work?.deterministic.includes(name))
  const findings: Finding[] = []
  for (const name of gated) {
    const b = before[name]
    const h = after[name]
    if (b === undefined || h === undefined || b === h) continue
    const change = b === 0 ? Number.POSITIVE_INFINITY : h / b - 1
    if (Math.abs(change) <= tolerance) continue
    findings.push({
      kind: h > b ? 'regression' : 'improvement',
      text: `work ${name} ${formatCount(b)} → ${formatCount(h)}${Number.isFinite(change) ? ` (${change > 0 ? '+' : ''}${(change * 100).toFixed(1)}%)` : ''}`,
    })
  }
  return findings
}
