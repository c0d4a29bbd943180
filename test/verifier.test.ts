import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DialectName } from '../db/dialect.js'
import { bookstore } from '../scenarios/builtins/bookstore.js'
import { errorLog } from '../scenarios/builtins/error-log.js'
import { library } from '../scenarios/builtins/library.js'
import { subqueryDeletionSql, touchSql } from '../scenarios/target-sql.js'
import { loadScenarioFile } from '../scenarios/scenario-file.js'
import type { Scenario } from '../scenarios/scenario.js'
import { batched } from '../strategies/batched.js'
import { collectorSubquery } from '../strategies/collector-subquery.js'
import { perRowCallbacks } from '../strategies/per-row-callbacks.js'
import type { Strategy, StrategyContext } from '../strategies/strategy.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { runOnce, useStrategyServer } from './support/strategy-run.js'
import { tempFolder } from './support/temp-folders.js'

/** Test-only: how to let a session break foreign keys, to make an orphan on purpose. */
const FK_CHECKS_OFF: Record<DialectName, string> = {
  sqlite: 'PRAGMA foreign_keys = OFF',
  postgres: 'SET session_replication_role = replica',
  mysql: 'SET foreign_key_checks = 0',
}

/** A strategy that does what the correct one does, then `extra`. */
const correctThen = (name: string, extra: (ctx: StrategyContext) => Promise<void>): Strategy => ({
  name,
  description: 'deliberately wrong, for the verifier',
  async run(ctx) {
    await collectorSubquery.run(ctx)
    await extra(ctx)
  },
})

/**
 * Found by the property tests: deleting t1's targets cascades into t0 through t0.back1_id, so some of
 * the parents the t1 → t0 touch callback stamps are deleted too; the verifier expected a stamp on them.
 */
const CYCLE_WITH_TOUCH = {
  name: 'touch-through-cycle',
  description: 'a touch callback whose parents a cascade back through a cycle deletes',
  referenceTime: '2026-01-01T00:00:00Z',
  tables: [
    {
      name: 't0',
      primaryKey: 'id',
      rows: 35,
      columns: [
        { name: 'id', type: 'integer', generate: { kind: 'sequence' } },
        {
          name: 'back1_id',
          type: 'integer',
          nullable: true,
          generate: { kind: 'parent', table: 't1', distribution: 'uniform' },
        },
        {
          name: 'touched_at',
          type: 'timestamp',
          nullable: true,
          generate: { kind: 'constant', value: null },
        },
      ],
      foreignKeys: [{ column: 'back1_id', references: 't1', onDelete: 'cascade', indexed: true }],
    },
    {
      name: 't1',
      primaryKey: 'id',
      rows: { per: 3, of: 't0' },
      columns: [
        { name: 'id', type: 'integer', generate: { kind: 'sequence' } },
        { name: 'p0_id', type: 'integer', nullable: true, generate: { kind: 'parent', table: 't0', per: 3 } },
        { name: 'flag', type: 'integer', generate: { kind: 'choice', values: [0, 1], weights: [2, 3] } },
      ],
      foreignKeys: [{ column: 'p0_id', references: 't0', onDelete: 'set null', indexed: false }],
    },
  ],
  callbacks: [{ kind: 'touch', table: 't1', foreignKey: 'p0_id', parent: 't0', column: 'touched_at' }],
  target: { description: 'flagged rows', table: 't1', where: 'flag = ?', params: [1] },
}
let touchedThroughCycle: Scenario
beforeAll(async () => {
  const file = path.join(tempFolder('touch-cycle'), 'scenario.json')
  fs.writeFileSync(file, JSON.stringify(CYCLE_WITH_TOUCH))
  touchedThroughCycle = await loadScenarioFile(file)
})

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`the verifier on ${db.dialect} catches wrong strategies`, () => {
    const tests = useStrategyServer(db, 102)

    it('one that deletes an extra survivor, and one that changes a survivor', async () => {
      const prepared = await tests.prepare(bookstore, 0.004)
      const extra = await runOnce(
        prepared,
        correctThen('deletes-too-much', async (ctx) => {
          // Book 2 is in stock (even rows are out of stock): a survivor.
          await ctx.run({ sql: 'DELETE FROM books WHERE id = ?', params: [2] })
        }),
      )
      expect(extra.status).toBe('wrong-result')
      expect(extra.status !== 'unsupported' && extra.verdict.problems).toEqual([
        'deleted 1 row too many from books',
      ])

      const changed = await runOnce(
        prepared,
        correctThen('changes-a-survivor', async (ctx) => {
          await ctx.run({ sql: "UPDATE books SET title = 'changed' WHERE id = ?", params: [2] })
        }),
      )
      expect(changed.status !== 'unsupported' && changed.verdict.problems).toEqual([
        'the surviving rows of books are not the ones that should survive (checksum differs)',
      ])
    })

    it('but not the foreground traffic: only the columns it declares it updates are forgiven', async () => {
      const prepared = await tests.prepare(errorLog, 0.0003)
      // 900 rows: 810 targets, so 900 is the newest occurrence and a survivor.
      const resolved = await runOnce(
        prepared,
        correctThen('traffic-resolves', async (ctx) => {
          await ctx.run({
            sql: "UPDATE error_occurrences SET status = 'resolved' WHERE id = ?",
            params: [900],
          })
        }),
      )
      expect(resolved.status).toBe('ok')
      const rewritten = await runOnce(
        prepared,
        correctThen('rewrites-message', async (ctx) => {
          await ctx.run({ sql: "UPDATE error_occurrences SET message = 'x' WHERE id = ?", params: [900] })
        }),
      )
      expect(rewritten.status !== 'unsupported' && rewritten.verdict.problems).toEqual([
        'the surviving rows of error_occurrences are not the ones that should survive (checksum differs)',
      ])
    })

    it('one that leaves a target behind', async () => {
      const prepared = await tests.prepare(bookstore, 0.004)
      const result = await runOnce(prepared, {
        name: 'leaves-one',
        description: 'deletes every target but the first',
        async run(ctx) {
          for (const statement of subqueryDeletionSql(
            ctx.plan,
            `(${ctx.target.where}) AND id > 1`,
            ctx.target.params,
          ))
            await ctx.run(statement)
        },
      })
      expect(result.status !== 'unsupported' && result.verdict.problems).toEqual([
        '1 target row left in books',
        'left 1 row in books that should have been deleted',
      ])
    })

    it('one that skips a callback', async () => {
      const prepared = await tests.prepare(library, 0.003)
      const donors = prepared.expectation.touches[0]?.keys.length ?? 0
      expect(donors).toBeGreaterThan(0)
      const skipping = await runOnce(prepared, {
        name: 'skips-touch',
        description: 'deletes right but never touches the donors',
        async run(ctx) {
          for (const statement of subqueryDeletionSql(ctx.plan, ctx.target.where, ctx.target.params))
            await ctx.run(statement)
        },
      })
      expect(skipping.status !== 'unsupported' && skipping.verdict.problems).toEqual([
        `${donors} donors not touched`,
      ])

      // The set-based touch of the correct strategy is one UPDATE, and it passes.
      expect(touchSql(prepared.plan, library.callbacks ?? [], () => 'id', 'id = ?', [1], 'x')).toHaveLength(1)
      expect((await runOnce(prepared, collectorSubquery)).status).toBe('ok')
    })

    it('and expects no touch on a parent the deletion removes too (a cascade back through a cycle)', async () => {
      const prepared = await tests.prepare(touchedThroughCycle, 1)
      const deletedParents = prepared.expectation.tables.t0?.deleted ?? 0
      expect(deletedParents).toBeGreaterThan(0)
      expect(prepared.expectation.touches[0]?.keys.length).toBeGreaterThan(0)
      for (const strategy of [perRowCallbacks, collectorSubquery, batched]) {
        const result = await runOnce(prepared, strategy)
        expect(result.status, `${strategy.name}: ${JSON.stringify(result)}`).toBe('ok')
      }
    })

    it('one that leaves orphans behind', async () => {
      const prepared = await tests.prepare(library, 0.003)
      const result = await runOnce(prepared, {
        name: 'orphans-books',
        description: 'deletes the library but not its books, with FK checks off',
        async run(ctx) {
          await ctx.conn.query(FK_CHECKS_OFF[db.dialect])
          for (const statement of touchSql(
            ctx.plan,
            ctx.callbacks,
            () => 'id',
            ctx.target.where,
            ctx.target.params,
            ctx.deletedAt,
          ))
            await ctx.run(statement)
          await ctx.run({ sql: `DELETE FROM libraries WHERE ${ctx.target.where}`, params: ctx.target.params })
        },
      })
      expect(result.status !== 'unsupported' && result.verdict.problems).toEqual([
        'left 2000 rows in books that should have been deleted',
        '2000 orphaned rows in books (library_id → libraries)',
      ])
    })
  })
}
