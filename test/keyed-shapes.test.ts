import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseServer } from '../db/database-server.js'
import { loadScenarioFile } from '../scenarios/scenario-file.js'
import type { Scenario } from '../scenarios/scenario.js'
import { scenarioTables } from '../scenarios/scenario-tables.js'
import { tableChecksums } from '../seeds/checksum.js'
import { generatedChecksums } from '../seeds/generated-checksums.js'
import { seedScenario } from '../seeds/seeder.js'
import { BUILTIN_STRATEGIES } from '../strategies/builtins.js'
import type { Strategy } from '../strategies/strategy.js'
import { runStatement } from '../strategies/strategy-sql.js'
import { subqueryDeletionSql, type PortableSql } from '../scenarios/target-sql.js'
import { FK_CHECKS } from './support/fk-checks.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { runOnce, useStrategyServer } from './support/strategy-run.js'
import { tempFolder } from './support/temp-folders.js'
import { openTestServer } from './support/test-server.js'

/**
 * The key and FK shapes real schemas have, in one scenario file of our own: stores ↔ staff (a cycle
 * through the nullable stores.manager_id), threaded posts (a self-reference), order_lines keyed by
 * (order_id, line_no) with line_notes referencing them by both columns, and events without a key.
 */
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'keyed-shapes.json')
const SCALE = 1
const SEED = 16

type Doc = { tables: Record<string, unknown>[] } & Record<string, unknown>
type Status = 'ok' | 'failed' | 'wrong-result' | 'unsupported'

/** Loads the fixture changed by `edit`: the one-line message, or '' when it loads. */
async function loadChanged(edit: (doc: Doc) => void): Promise<string> {
  const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Doc
  edit(doc)
  const file = path.join(tempFolder('keyed'), 'scenario.json')
  fs.writeFileSync(file, JSON.stringify(doc))
  return loadScenarioFile(file).then(
    () => '',
    (error: unknown) => (error as Error).message,
  )
}

const table = (doc: Doc, name: string) => doc.tables.find((t) => t.name === name) as Record<string, unknown>
const column = (doc: Doc, t: string, name: string) =>
  (table(doc, t).columns as Record<string, unknown>[]).find((c) => c.name === name) as Record<string, unknown>

describe('validating the key and FK shapes', () => {
  it('accepts composite keys, a keyless table, a self-reference and a nullable cycle', async () => {
    expect(await loadChanged(() => {})).toBe('')
  })

  it.each([
    [
      'a cycle with no nullable FK',
      (d: Doc) => {
        column(d, 'stores', 'manager_id').nullable = false
      },
      /foreign keys form a cycle among tables stores, staff and none of its foreign keys is nullable/,
    ],
    [
      'a composite FK with the wrong number of columns',
      (d: Doc) => {
        const fks = table(d, 'line_notes').foreignKeys as Record<string, unknown>[]
        fks[0] = { ...fks[0], columns: ['order_id'] }
      },
      /tables\[6\]\.foreignKeys\[0\]\.columns: 1 column references order_lines \(order_id, line_no\), which has 2/,
    ],
    [
      'a referenced key drawn at random',
      (d: Doc) => {
        column(d, 'orders', 'id').generate = { kind: 'int', min: 1, max: 1000000 }
      },
      /orders\.id is referenced, so it must be generated from the row index .*not 'int'/,
    ],
    [
      'a referenced column that is not a key',
      (d: Doc) => {
        const fks = table(d, 'line_notes').foreignKeys as Record<string, unknown>[]
        fks[0] = { ...fks[0], referencedColumns: ['order_id', 'qty'] }
      },
      /order_lines \(order_id, qty\) is neither the primary key nor a unique index of order_lines/,
    ],
  ])('refuses %s in one line', async (_what, edit, message) => {
    const text = await loadChanged(edit)
    expect(text).toMatch(message)
    expect(text).not.toContain('\n')
  })
})

/** Every built-in strategy's verdict on the keyed shapes: what each handles, and what it says it cannot. */
const EXPECTED: Record<string, Status | Readonly<Record<string, Status>>> = {
  'per-row': 'ok',
  'per-row-callbacks': 'ok',
  // Relies on ON DELETE: orders restrict their stores, and the cycle's back edge is NO ACTION.
  'naive-bulk': 'failed',
  collector: 'unsupported',
  'collector-subquery': 'ok',
  batched: 'ok',
  'limit-loop': 'failed',
  'key-table': 'ok',
  'parallel-batched': { sqlite: 'unsupported', postgres: 'ok', mysql: 'ok' },
  'copy-swap': 'unsupported',
  'partition-drop': 'unsupported',
  'pt-archiver': 'unsupported',
}

/** The variants whose root is a composite key (lines) or a tree (threads), and who must handle them. */
const VARIANTS: Record<string, Record<string, Status | Readonly<Record<string, Status>>>> = {
  lines: {
    // line_notes reference the lines with NO ACTION: what relies on ON DELETE is refused.
    'naive-bulk': 'failed',
    'limit-loop': 'failed',
    'per-row': 'ok',
    'per-row-callbacks': 'ok',
    'collector-subquery': 'ok',
    batched: 'ok',
    'key-table': 'unsupported',
    'parallel-batched': 'unsupported',
  },
  threads: {
    'per-row': 'ok',
    'per-row-callbacks': 'ok',
    'collector-subquery': 'ok',
    batched: 'ok',
    'key-table': 'ok',
    'parallel-batched': 'unsupported',
    'copy-swap': 'unsupported',
  },
}

/**
 * A wrong deletion the verifier must catch: the planned statements, changed by `edit`, run with FK
 * checks off (ON DELETE CASCADE would otherwise repair a forgotten level, and NO ACTION refuse it), so
 * only the verifier can notice.
 */
function wrongly(name: string, edit: (statements: PortableSql[], where: string) => PortableSql[]): Strategy {
  return {
    name,
    description: `a deliberately wrong deletion: ${name}`,
    async run(ctx) {
      const planned = subqueryDeletionSql(ctx.plan, ctx.target.where, ctx.target.params)
      const [off, on] = FK_CHECKS[ctx.dialect.name]
      await ctx.conn.query(off)
      try {
        for (const statement of edit(planned, ctx.target.where)) await runStatement(ctx, statement)
      } finally {
        await ctx.conn.query(on)
      }
    },
  }
}

/** The wrong deletions, each with the verifier's line that must name it. */
const WRONG: [Strategy, RegExp][] = [
  [
    // The closed stores' posts and their direct replies go; deeper replies are left, orphaned.
    wrongly('forgets a level of the tree', (statements, where) =>
      statements.map((s) =>
        s.repeat
          ? {
              sql: `DELETE FROM posts WHERE store_id IN (SELECT id FROM stores WHERE ${where}) OR parent_id IN (SELECT id FROM posts p WHERE p.store_id IN (SELECT id FROM stores WHERE ${where}))`,
              params: [...s.params.slice(0, 1), ...s.params.slice(0, 1)],
            }
          : s,
      ),
    ),
    /left \d+ rows? in posts that should have been deleted/,
  ],
  [
    // The cycle's back edge is not nulled: open stores keep managers who were deleted.
    wrongly('forgets to null the cycle’s back edge', (statements) =>
      statements.filter((s) => !s.sql.startsWith('UPDATE stores')),
    ),
    /stores\.manager_id: \d+ references not set to NULL/,
  ],
  [
    // The right keyless rows go, but a surviving one is changed: only the multiset checksum sees it.
    wrongly('changes a surviving keyless row', (statements) => [
      ...statements,
      { sql: `UPDATE events SET kind = 'tampered' WHERE kind = 'audit'`, params: [] },
    ]),
    /the surviving rows of events are not the ones that should survive \(checksum differs\)/,
  ],
]

let scenario: Scenario
/**
 * The threads variant with votes that reference posts with NO ACTION: a vote on a reply (not a target
 * itself, deleted with its thread) must go with it, so what deletes a tree root's dependents by the
 * targets' keys alone leaves it behind (key-table did, and PostgreSQL refused the delete).
 */
let voted: Scenario
beforeAll(async () => {
  scenario = await loadScenarioFile(FIXTURE)
  const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Doc
  doc.tables.push({
    name: 'post_votes',
    primaryKey: 'id',
    rows: { per: 2, of: 'posts' },
    foreignKeys: [{ column: 'post_id', references: 'posts', onDelete: 'no action', indexed: true }],
    columns: [
      { name: 'id', type: 'integer', generate: { kind: 'sequence' } },
      { name: 'post_id', type: 'integer', generate: { kind: 'parent', table: 'posts', per: 2 } },
    ],
  })
  doc.target = (doc.variants as Record<string, unknown>).threads
  delete doc.variants
  const file = path.join(tempFolder('voted'), 'scenario.json')
  fs.writeFileSync(file, JSON.stringify(doc))
  voted = await loadScenarioFile(file)
})

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`the keyed shapes on ${db.dialect}`, () => {
    describe('seeding', () => {
      let server: DatabaseServer
      const seeded: string[] = []
      beforeAll(async () => {
        server = await openTestServer(db)
      })
      afterAll(async () => {
        for (const name of seeded) await server?.dropDatabase(name)
        await server?.close()
      })

      it('seeds FK-valid rows whose content equals the generator’s, the same on every database', async () => {
        const request = { scenario, scale: SCALE, seed: SEED }
        const result = await seedScenario(server, request)
        seeded.push(result.database)
        const conn = await server.openDatabase(result.database)
        try {
          const found = await tableChecksums(conn, server.dialect.adapter, scenarioTables(scenario))
          expect(found).toEqual(await generatedChecksums(request))
          // Trees: some roots, and every other post replies to an earlier one.
          const { rows } = await conn.query<{ roots: number; later: number }>(
            'SELECT SUM(CASE WHEN parent_id IS NULL THEN 1 ELSE 0 END) AS roots, SUM(CASE WHEN parent_id >= id THEN 1 ELSE 0 END) AS later FROM posts',
          )
          expect(Number(rows[0]?.roots)).toBe(60)
          expect(Number(rows[0]?.later)).toBe(0)
        } finally {
          await conn.close()
        }
      })
    })

    describe('deleting', () => {
      const tests = useStrategyServer(db, SEED + 1)
      const verdict = (v: Status | Readonly<Record<string, Status>>) =>
        typeof v === 'string' ? v : (v[db.dialect] as Status)

      type Expected = Record<string, Status | Readonly<Record<string, Status>>>
      // Each case's scenario is read when it runs: the files load in beforeAll.
      const variantOf = (name: string) => (): Scenario => {
        const target = scenario.variants?.[name]
        return target ? { ...scenario, target, variant: name } : scenario
      }
      const cases: [string, () => Scenario, Expected][] = [
        ['closed stores', () => scenario, EXPECTED],
        ...Object.entries(VARIANTS).map(
          ([name, expected]) => [name, variantOf(name), expected] as [string, () => Scenario, Expected],
        ),
        ['threads with votes on replies', () => voted, VARIANTS.threads ?? {}],
      ]
      for (const [label, scenarioOf, expected] of cases) {
        it(`${label}: ${Object.entries(expected)
          .map(([s, v]) => `${s} ${verdict(v)}`)
          .join(', ')}`, async () => {
          const chosen = scenarioOf()
          const prepared = await tests.prepare(chosen, SCALE)
          const root = prepared.expectation.tables[chosen.target.table]?.deleted ?? 0
          expect(root).toBeGreaterThan(0)
          for (const strategy of BUILTIN_STRATEGIES.filter((s) => s.name in expected)) {
            const result = await runOnce(prepared, strategy)
            expect(result.status, `${strategy.name}: ${JSON.stringify(result)}`).toBe(
              verdict(expected[strategy.name] as Status),
            )
            if (result.status === 'unsupported') expect(result.error).toMatch(/^[^\n]+$/)
            if (result.status === 'ok')
              for (const [name, want] of Object.entries(prepared.expectation.tables))
                expect(result.verdict.rowsDeleted[name], `${strategy.name} ${name}`).toBe(want.deleted)
          }
        })
      }

      for (const [strategy, problem] of WRONG) {
        it(`the verifier catches a deletion that ${strategy.name}`, async () => {
          const prepared = await tests.prepare(scenario, SCALE)
          const result = await runOnce(prepared, strategy)
          expect(result.status).toBe('wrong-result')
          if (result.status === 'wrong-result') expect(result.verdict.problems.join('\n')).toMatch(problem)
        })
      }
    })
  })
}
