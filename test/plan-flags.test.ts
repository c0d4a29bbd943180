import { describe, expect, it } from 'vitest'
import { jobHistory } from '../scenarios/builtins/job-history.js'
import { BUILTIN_STRATEGIES } from '../strategies/builtins.js'
import type { Strategy } from '../strategies/strategy.js'
import { SMALL_SCALE } from './support/seeded.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { DEFAULT_OPTIONS, runOnce, useStrategyServer } from './support/strategy-run.js'

const strategy = (name: string): Strategy => BUILTIN_STRATEGIES.find((s) => s.name === name) as Strategy

// InnoDB always indexes a foreign key's column: on MySQL there is nothing to flag.
for (const db of TEST_DATABASES.filter((d) => d.dialect !== 'mysql')) {
  describe.skipIf(skipped(db))(`plan flags on ${db.dialect}`, () => {
    const tests = useStrategyServer(db, 173)

    it('name each unindexed foreign key the deletion cascades or searches through, with its fix', async () => {
      const prepared = await tests.prepare(jobHistory, SMALL_SCALE['job-history'] ?? 0.01, { fkIndex: false })
      const deletedFrom = new Set(prepared.plan.steps.map((s) => s.table))
      // Every FK whose column leads no index and whose parent the deletion deletes from.
      const unindexed = prepared.tables.flatMap((t) =>
        t.foreignKeys
          .filter((fk) => deletedFrom.has(fk.references) && t.primaryKey[0] !== fk.columns[0])
          .filter((fk) => !t.indexes.some((i) => i.columns[0] === fk.columns[0]))
          .map((fk) => `${t.name}.${fk.columns.join(', ')}`),
      )
      expect(unindexed.length).toBeGreaterThan(2)
      for (const name of ['per-row', 'batched']) {
        const result = await runOnce(prepared, strategy(name), { ...DEFAULT_OPTIONS, batchSize: 50 })
        if (result.status !== 'ok') throw new Error(`${name}: ${result.status} ${result.error ?? ''}`)
        const flags = (result.plans ?? []).flatMap((p) => p.flags)
        const named = new Set(flags.map((f) => `${f.table}.${f.column ?? ''}`))
        expect([...named].sort(), name).toEqual(expect.arrayContaining(unindexed))
        for (const flag of flags.filter((f) => f.column !== null))
          expect(flag.fix).toBe(`CREATE INDEX ON ${flag.table} (${flag.column ?? ''})`)
        // Plans are the database's own: a full scan shows in them.
        expect((result.plans ?? []).some((p) => /Seq Scan|SCAN /.test(p.plan))).toBe(true)
        // Where the database can run a statement and roll it back, each DELETE's plan was timed, and
        // every unindexed FK it reached carries its trigger's time as evidence.
        if (prepared.server.dialect.plans.analyze) {
          const deletes = (result.plans ?? []).filter((p) => p.template.startsWith('DELETE'))
          expect(deletes.length).toBeGreaterThan(0)
          expect(deletes.every((p) => p.analyzed === true)).toBe(true)
          for (const flag of flags.filter((f) => f.kind === 'unindexed-foreign-key')) {
            expect(flag.evidence, flag.message).toMatch(
              /^EXPLAIN ANALYZE of one call, rolled back: Trigger for constraint \S+ fired/,
            )
            expect(flag.evidenceMs).toBeGreaterThan(0)
          }
        }
      }
      // With the FKs indexed, nothing is flagged for them.
      const indexed = await tests.prepare(jobHistory, SMALL_SCALE['job-history'] ?? 0.01, { fkIndex: true })
      const result = await runOnce(indexed, strategy('batched'), { ...DEFAULT_OPTIONS, batchSize: 50 })
      if (result.status !== 'ok') throw new Error(`${result.status} ${result.error ?? ''}`)
      expect(
        (result.plans ?? []).flatMap((p) => p.flags.filter((f) => f.kind === 'unindexed-foreign-key')),
      ).toEqual([])
    })
  })
}
