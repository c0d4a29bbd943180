import { describe, expect, it } from 'vitest'
import { bookstore } from '../scenarios/builtins/bookstore.js'
import { errorLog } from '../scenarios/builtins/error-log.js'
import { jobHistory } from '../scenarios/builtins/job-history.js'
import { library } from '../scenarios/builtins/library.js'
import type { Scenario } from '../scenarios/scenario.js'
import { BUILTIN_STRATEGIES } from '../strategies/builtins.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { runOnce, useStrategyServer } from './support/strategy-run.js'

type Status = 'ok' | 'failed' | 'wrong-result'

/**
 * What each strategy must come to on each scenario. With restricting FKs, the statements that rely on
 * cascade fail with the database's own error; strategies that skip callbacks are caught by the verifier
 * wherever a scenario has one (library's touch).
 */
const CASES: {
  scenario: Scenario
  scale: number
  knobs?: { fkAction: 'cascade' }
  expected: Record<string, Status>
}[] = [
  {
    scenario: bookstore,
    scale: 0.004,
    expected: {
      'per-row': 'ok',
      'per-row-callbacks': 'ok',
      'naive-bulk': 'ok',
      collector: 'ok',
      'collector-subquery': 'ok',
      batched: 'ok',
      'limit-loop': 'ok',
      'key-table': 'ok',
    },
  },
  {
    scenario: errorLog,
    scale: 0.0003,
    expected: {
      'per-row': 'ok',
      'per-row-callbacks': 'ok',
      'naive-bulk': 'ok',
      collector: 'ok',
      'collector-subquery': 'ok',
      batched: 'ok',
      'limit-loop': 'ok',
      'key-table': 'ok',
    },
  },
  {
    scenario: jobHistory,
    scale: 0.002,
    expected: {
      'per-row': 'ok',
      'per-row-callbacks': 'ok',
      'naive-bulk': 'failed',
      collector: 'ok',
      'collector-subquery': 'ok',
      batched: 'ok',
      'limit-loop': 'failed',
      'key-table': 'ok',
    },
  },
  {
    scenario: library,
    scale: 0.003,
    expected: {
      'per-row': 'wrong-result',
      'per-row-callbacks': 'ok',
      'naive-bulk': 'failed',
      collector: 'ok',
      'collector-subquery': 'ok',
      batched: 'ok',
      'limit-loop': 'failed',
      'key-table': 'ok',
    },
  },
  {
    scenario: library,
    scale: 0.003,
    knobs: { fkAction: 'cascade' },
    expected: {
      'per-row': 'wrong-result',
      'naive-bulk': 'wrong-result',
      'limit-loop': 'wrong-result',
      'collector-subquery': 'ok',
    },
  },
]

/** The database's own words for an FK refusal, per dialect. */
const FK_ERROR = {
  sqlite: /FOREIGN KEY constraint failed/,
  postgres: /violates foreign key constraint/,
  mysql: /foreign key constraint fails/,
}

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`strategy verdicts on ${db.dialect}`, () => {
    const tests = useStrategyServer(db, 101)

    for (const { scenario, scale, knobs, expected } of CASES) {
      const label = `${scenario.name}${knobs ? ' with cascading FKs' : ''}`
      it(`${label}: ${Object.entries(expected)
        .map(([s, v]) => `${s} ${v}`)
        .join(', ')}`, async () => {
        const prepared = await tests.prepare(scenario, scale, knobs)
        const targets = prepared.expectation.tables[scenario.target.table]?.deleted ?? 0
        expect(targets).toBeGreaterThan(0)
        for (const strategy of BUILTIN_STRATEGIES.filter((s) => s.name in expected)) {
          const result = await runOnce(prepared, strategy)
          expect(result.status, `${strategy.name}: ${JSON.stringify(result)}`).toBe(expected[strategy.name])
          if (result.status === 'unsupported') continue
          if (result.status === 'ok') {
            // Exactly the planned rows went, table by table.
            for (const [table, want] of Object.entries(prepared.expectation.tables))
              expect(result.verdict.rowsDeleted[table], `${strategy.name} ${table}`).toBe(want.deleted)
          }
          if (result.status === 'failed') expect(result.error).toMatch(FK_ERROR[db.dialect])
          if (result.status === 'wrong-result' && scenario.name === 'library')
            expect(result.verdict.problems).toContain(
              `${prepared.expectation.touches[0]?.keys.length} donors not touched`,
            )
        }
      })
    }
  })
}
