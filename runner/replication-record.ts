/** A run's replication record from its iterations' lag samples. Pure, so its figures are tested on fixed inputs. */
import type { RunRecord } from '../core/results-schema.js'
import type { ReplicaIteration } from './replication-monitor.js'

/** The nearest-rank percentile of sorted values (p in 0..100); null where there are none. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  const rank = Math.ceil((p / 100) * sorted.length) - 1
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? null
}

/**
 * Per replica: lag percentiles over every iteration's samples, the worst catch-up (null if any
 * iteration's replica did not catch up within the wait), and the first iteration's timeline.
 */
export function replicationRecord(
  iterations: readonly (readonly ReplicaIteration[])[],
): NonNullable<RunRecord['replication']> {
  const first = iterations[0] ?? []
  return first.map((replica, index) => {
    const mine = iterations.map((i) => i[index]).filter((r): r is ReplicaIteration => r !== undefined)
    const samples = mine.flatMap((r) => r.samples)
    const known = samples.flatMap(([, lag]) => (lag === null ? [] : [lag])).sort((a, b) => a - b)
    const server = samples.flatMap(([, , s]) => (s === null ? [] : [s]))
    const catchUps = mine.map((r) => r.catchUpMs)
    return {
      replica: replica.replica,
      lagMs: { p50: percentile(known, 50), p99: percentile(known, 99), max: known.at(-1) ?? null },
      unknownSamples: samples.length - known.length,
      serverLagMaxMs: server.length > 0 ? Math.max(...server) : null,
      catchUpMs: catchUps.some((c) => c === null) ? null : Math.max(...catchUps.map((c) => c ?? 0)),
      timeline: replica.samples.map(([t, lag, s]) => [t, lag, s] as [number, number | null, number | null]),
      method: replica.method,
    }
  })
}
