import { describe, expect, it } from 'vitest'
import { jobHistory } from '../scenarios/builtins/job-history.js'
import { library } from '../scenarios/builtins/library.js'
import { looseFk } from '../strategies/loose-fk.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { DEFAULT_OPTIONS, runOnce, useStrategyServer } from './support/strategy-run.js'

/**
 * The queue's length after each pass, worked out by hand: per pass the `unified_jobs` entries are
 * claimed first (the parent nearest the target), their deletions queue one `jobs` entry each
 * (multi-table inheritance: one jobs row per unified job), then the `jobs` entries are claimed.
 */
function jobHistoryBacklog(targets: number, budget: number): number[] {
  let unified = targets
  let jobs = 0
  const lengths = [unified]
  while (unified + jobs > 0) {
    const claimed = Math.min(budget, unified)
    unified -= claimed
    jobs += claimed
    jobs -= Math.min(budget, jobs)
    lengths.push(unified + jobs)
  }
  return lengths
}

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`loose-fk on ${db.dialect}`, () => {
    const tests = useStrategyServer(db, 211)

    it('job-history: the targets go at once, their dependents pass by pass, and the queue drains', async () => {
      const prepared = await tests.prepare(jobHistory, 0.002)
      // Claims skip locked entries where the database can (probed): not on SQLite.
      expect(prepared.capabilities.skipLocked).toBe(db.dialect !== 'sqlite')
      const result = await runOnce(prepared, looseFk, { ...DEFAULT_OPTIONS, batchSize: 50 })
      expect(result.status, JSON.stringify(result.status === 'unsupported' ? result : result.error)).toBe(
        'ok',
      )
      if (result.status !== 'ok') return
      for (const [table, want] of Object.entries(prepared.expectation.tables))
        expect(result.verdict.rowsDeleted[table], table).toBe(want.deleted)
      const targets = prepared.expectation.tables['unified_jobs']?.deleted ?? 0
      const expected = jobHistoryBacklog(targets, 50)
      // [0 before the delete, the targets queued, then one length per pass, down to 0]
      expect(result.backlog?.map(([, length]) => length)).toEqual([0, ...expected])
      expect(result.figures['cleanupPasses']).toBe(expected.length - 1)
      expect(result.figures['backlogPeak']).toBe(targets)
      expect(result.figures['userDeleteMs']).toBeGreaterThanOrEqual(0)
      expect(result.figures['cleanupMs']).toBeGreaterThanOrEqual(0)
    })

    it('library: one library at once, its books and their donors’ touch verified after the cleanup', async () => {
      const prepared = await tests.prepare(library, 0.003)
      const result = await runOnce(prepared, looseFk)
      expect(result.status, JSON.stringify(result.status === 'unsupported' ? result : result.error)).toBe(
        'ok',
      )
      if (result.status !== 'ok') return
      expect(result.verdict.rowsDeleted['books']).toBe(prepared.expectation.tables['books']?.deleted)
      expect(result.backlog?.map(([, length]) => length)).toEqual([0, 1, 0])
      expect(result.figures['cleanupPasses']).toBe(1)
    })
  })
}
