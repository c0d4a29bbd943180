import { describe, expect, it } from 'vitest'
import { bookstore } from '../scenarios/builtins/bookstore.js'
import { errorLog } from '../scenarios/builtins/error-log.js'
import { jobHistory } from '../scenarios/builtins/job-history.js'
import { library } from '../scenarios/builtins/library.js'
import type { Scenario } from '../scenarios/scenario.js'
import type { SchemaKnobs } from '../scenarios/scenario-tables.js'
import { BUILTIN_STRATEGIES } from '../strategies/builtins.js'
import { installed } from '../strategies/external-program.js'
import { IN_CI, skipped, TEST_DATABASES } from './support/servers.js'
import { runOnce, useStrategyServer } from './support/strategy-run.js'

type Status = 'ok' | 'failed' | 'wrong-result' | 'unsupported'
type Dialect = (typeof TEST_DATABASES)[number]['dialect']
/** A verdict that depends on the database. */
type PerDialect = Readonly<Record<Dialect, Status>>

/** parallel-batched: SQLite's single writer rules it out. */
const SERVERS_ONLY: PerDialect = { sqlite: 'unsupported', postgres: 'ok', mysql: 'ok' }
/** pt-archiver: a MySQL-protocol tool (installed by CI; elsewhere it may be missing). */
const MYSQL_TOOL: PerDialect = {
  sqlite: 'unsupported',
  postgres: 'unsupported',
  mysql: IN_CI || installed('pt-archiver') ? 'ok' : 'unsupported',
}
/** Every strategy on a scenario of one table nothing references (bookstore, error-log unpartitioned). */
const ONE_TABLE: Record<string, Status | PerDialect> = {
  'per-row': 'ok',
  'per-row-callbacks': 'ok',
  'naive-bulk': 'ok',
  collector: 'ok',
  'collector-subquery': 'ok',
  batched: 'ok',
  'adaptive-batched': 'ok',
  'limit-loop': 'ok',
  'key-table': 'ok',
  'parallel-batched': SERVERS_ONLY,
  'copy-swap': 'ok',
  'partition-drop': 'unsupported',
  'loose-fk': 'unsupported',
  // Without --replica there is no lag to throttle on (test/replication.test.ts runs it with replicas).
  'throttled-batched': 'unsupported',
  'pt-archiver': MYSQL_TOOL,
}
/** What the strategies beyond the field reports come to on a scenario whose root others reference. */
const REFERENCED = {
  'parallel-batched': SERVERS_ONLY,
  'copy-swap': 'unsupported',
  'partition-drop': 'unsupported',
  'loose-fk': 'ok',
  'throttled-batched': 'unsupported',
  'pt-archiver': MYSQL_TOOL,
} as const

/**
 * What each strategy must come to on each scenario. With restricting FKs, the statements that rely on
 * cascade fail with the database's own error; strategies that skip callbacks are caught by the verifier
 * wherever a scenario has one (library's touch).
 */
const CASES: {
  scenario: Scenario
  scale: number
  knobs?: SchemaKnobs
  /** Where the scenario can be seeded at all (partitioned tables: not on SQLite). */
  dialects?: readonly Dialect[]
  /** Why this case checks only some strategies; every other case names every built-in. */
  some?: string
  expected: Record<string, Status | PerDialect>
}[] = [
  {
    scenario: bookstore,
    scale: 0.004,
    expected: ONE_TABLE,
  },
  {
    scenario: errorLog,
    scale: 0.0003,
    expected: ONE_TABLE,
  },
  {
    scenario: errorLog,
    scale: 0.0003,
    knobs: { partitions: 'month' },
    dialects: ['postgres', 'mysql'],
    some: 'the strategies whose plan or support partitioning changes (the others delete key by key as unpartitioned)',
    expected: {
      'naive-bulk': 'ok',
      batched: 'ok',
      'limit-loop': 'ok',
      'key-table': 'ok',
      'parallel-batched': 'ok',
      'copy-swap': 'unsupported',
      'partition-drop': 'ok',
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
      'adaptive-batched': 'ok',
      'limit-loop': 'failed',
      'key-table': 'ok',
      ...REFERENCED,
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
      'adaptive-batched': 'ok',
      'limit-loop': 'failed',
      'key-table': 'ok',
      ...REFERENCED,
    },
  },
  {
    scenario: library,
    scale: 0.003,
    knobs: { fkAction: 'cascade' },
    some: 'the strategies whose verdict cascading FKs change',
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

describe('the expected verdicts', () => {
  const builtins = BUILTIN_STRATEGIES.map((s) => s.name).sort()
  it('name every built-in strategy (a new one needs its verdicts here), and nothing else', () => {
    for (const { scenario, knobs, some, expected } of CASES) {
      const names = Object.keys(expected).sort()
      const label = `${scenario.name} ${JSON.stringify(knobs ?? {})}`
      if (some) expect(builtins, label).toEqual(expect.arrayContaining(names))
      else expect(names, label).toEqual(builtins)
    }
  })
})

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`strategy verdicts on ${db.dialect}`, () => {
    const tests = useStrategyServer(db, 101)

    for (const { scenario, scale, knobs, dialects, expected } of CASES) {
      if (dialects && !dialects.includes(db.dialect)) continue
      const label = `${scenario.name}${knobs?.fkAction ? ' with cascading FKs' : ''}${knobs?.partitions ? ' partitioned by month' : ''}`
      const want = (name: string) => {
        const v = expected[name] as Status | PerDialect
        return typeof v === 'string' ? v : v[db.dialect]
      }
      it(`${label}: ${Object.keys(expected)
        .map((s) => `${s} ${want(s)}`)
        .join(', ')}`, async () => {
        const prepared = await tests.prepare(scenario, scale, knobs)
        const targets = prepared.expectation.tables[scenario.target.table]?.deleted ?? 0
        expect(targets).toBeGreaterThan(0)
        for (const strategy of BUILTIN_STRATEGIES.filter((s) => s.name in expected)) {
          const result = await runOnce(prepared, strategy)
          expect(result.status, `${strategy.name}: ${JSON.stringify(result)}`).toBe(want(strategy.name))
          if (result.status === 'unsupported') {
            // The reason is one line that names what stands in the way.
            expect(result.error).toMatch(
              /^[^\n]*(SQLite|referenced by|partition|--replica|MySQL protocol|not installed)[^\n]*$/,
            )
            continue
          }
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
