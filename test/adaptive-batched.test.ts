import { describe, expect, it } from 'vitest'
import { errorLog } from '../scenarios/builtins/error-log.js'
import { adaptiveBatched } from '../strategies/adaptive-batched.js'
import { ChunkSizer, nextChunk, WEIGHT, type ChunkStep } from '../strategies/chunk-sizer.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { DEFAULT_OPTIONS, runOnce, useStrategyServer } from './support/strategy-run.js'

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length / 2
  return sorted.length % 2
    ? (sorted[Math.floor(mid)] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

describe('the chunk-time rule (pt-osc’s weighted average rate)', () => {
  it('sizes the next batch from decayed sums of rows and time', () => {
    // First batch: its own rate, 1000 rows / 50 ms = 20 rows/ms; 100 ms at that rate is 2000 rows.
    const first = nextChunk(undefined, 1000, 50, 100, 1_000_000)
    expect(first).toEqual({ rows: 1000, ms: 50, next: 2000 })
    // Second: (1000 × 0.75 + 2000) / (50 × 0.75 + 200) = 2750 / 237.5 rows/ms; × 100 ms, rounded down.
    const second = nextChunk(first, 2000, 200, 100, 1_000_000)
    expect(WEIGHT).toBe(0.75)
    expect(second).toEqual({ rows: 2750, ms: 237.5, next: 1157 })
  })

  it('keeps the size between 1 row and the most keys a statement can bind', () => {
    expect(nextChunk(undefined, 10, 100_000, 100, 5000).next).toBe(1)
    expect(nextChunk(undefined, 10_000, 1, 100, 5000).next).toBe(5000)
    const sizer = new ChunkSizer(100, 20_000, 5000)
    expect(sizer.size).toBe(5000)
    // An empty batch (the end of the targets) changes nothing.
    expect(sizer.update(0, 3)).toBe(5000)
  })

  it('converges on a database of constant rate: the second half of the batches takes the target', () => {
    // 30 rows/ms plus 4 ms per batch, from a start ten times too small: a known answer, no clock.
    const sizer = new ChunkSizer(100, 300, 1_000_000)
    const times: number[] = []
    for (let i = 0; i < 40; i++) {
      const ms = sizer.size / 30 + 4
      times.push(ms)
      sizer.update(sizer.size, ms)
    }
    const secondHalf = median(times.slice(20))
    expect(secondHalf).toBeGreaterThanOrEqual(50)
    expect(secondHalf).toBeLessThanOrEqual(150)
    // The fixed cost per batch makes the measured rate lower than the marginal one: just under target.
    expect(secondHalf).toBeCloseTo(100, 0)
  })
})

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`adaptive-batched on ${db.dialect}`, () => {
    const tests = useStrategyServer(db, 181)

    it('records a trajectory whose every size follows the rule from the batches before it', async () => {
      const prepared = await tests.prepare(errorLog, 0.002)
      const options = { ...DEFAULT_OPTIONS, batchSize: 100, chunkTimeMs: 20 }
      const result = await runOnce(prepared, adaptiveBatched, options)
      expect(result.status, JSON.stringify(result.status === 'unsupported' ? result : result.error)).toBe(
        'ok',
      )
      if (result.status !== 'ok') return
      const targets = prepared.expectation.tables['error_occurrences']?.deleted ?? 0
      expect(result.verdict.rowsDeleted['error_occurrences']).toBe(targets)
      const batches = result.batches ?? []
      // Every target row is in exactly one batch; only the last may find fewer rows than its size.
      expect(batches.reduce((sum, b) => sum + b.rows, 0)).toBe(targets)
      expect(batches.slice(0, -1).every((b) => b.rows === b.size)).toBe(true)
      expect(batches[0]?.size).toBe(100)
      let state: ChunkStep | undefined
      for (const [i, batch] of batches.entries()) {
        if (i > 0) expect(batch.size, `batch ${i}`).toBe(state?.next)
        state = nextChunk(state, batch.rows, batch.ms, 20, Number.MAX_SAFE_INTEGER)
      }
      // Stamped in order, from the strategy's start.
      expect(batches.map((b) => b.atMs)).toEqual([...batches.map((b) => b.atMs)].sort((a, b) => a - b))
    })
  })
}
