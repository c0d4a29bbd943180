import { describe, expect, it } from 'vitest'
import { bookstore } from '../scenarios/builtins/bookstore.js'
import { jobHistory } from '../scenarios/builtins/job-history.js'
import { BUILTIN_STRATEGIES } from '../strategies/builtins.js'
import type { Strategy } from '../strategies/strategy.js'
import { DEFAULT_COMPARE } from '../reports/compare-options.js'
import { WorkMeter } from '../runner/work-meter.js'
import { eventually } from './support/run-cli.js'
import { SMALL_SCALE } from './support/seeded.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { DEFAULT_OPTIONS, runOnce, useStrategyServer, type IterationResult } from './support/strategy-run.js'

const strategy = (name: string): Strategy => BUILTIN_STRATEGIES.find((s) => s.name === name) as Strategy

function workOf(result: IterationResult) {
  if (result.status !== 'ok') throw new Error(`${result.status}: ${result.error ?? ''}`)
  return result.work
}

/** The deterministic counters of a work record, by name. */
function deterministic(work: ReturnType<typeof workOf>): Record<string, number | undefined> {
  return Object.fromEntries(work.deterministic.map((name) => [name, work.counters?.[name]]))
}

/** The largest relative difference between the deterministic counters of two records. */
function largestDrift(a: ReturnType<typeof workOf>, b: ReturnType<typeof workOf>): number {
  return Math.max(
    0,
    ...a.deterministic.map((name) => {
      const x = a.counters?.[name] ?? 0
      const y = b.counters?.[name] ?? 0
      return x === y ? 0 : Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y))
    }),
  )
}

const total = (work: ReturnType<typeof workOf>): number =>
  work.deterministic.reduce((sum, name) => sum + (work.counters?.[name] ?? 0), 0)

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`the database’s work counters on ${db.dialect}`, () => {
    const tests = useStrategyServer(db, 172)
    const options = { ...DEFAULT_OPTIONS, batchSize: 100 }

    it('are identical in two runs of a one-session strategy on the same data', async () => {
      const prepared = await tests.prepare(jobHistory, SMALL_SCALE['job-history'] ?? 0.01)
      const first = workOf(await runOnce(prepared, strategy('batched'), options))
      const second = workOf(await runOnce(prepared, strategy('batched'), options))
      if (db.dialect === 'sqlite') {
        expect(first.counters).toBeNull()
        expect(first.note).toMatch(/better-sqlite3/)
        return
      }
      expect(first.deterministic.length).toBeGreaterThan(5)
      expect(deterministic(second)).toEqual(deterministic(first))
    })

    it.skipIf(db.dialect === 'sqlite')(
      'stay within the compare tolerance for parallel workers, whose interleaving varies',
      async () => {
        const prepared = await tests.prepare(jobHistory, SMALL_SCALE['job-history'] ?? 0.01)
        const first = workOf(await runOnce(prepared, strategy('parallel-batched'), options))
        const second = workOf(await runOnce(prepared, strategy('parallel-batched'), options))
        // Every worker's session is counted: all the rows deleted are there.
        const deleted = prepared.expectation.tables
        const rows = Object.values(deleted).reduce((sum, t) => sum + t.deleted, 0)
        expect(first.counters?.n_tup_del ?? first.counters?.Handler_delete).toBe(rows)
        expect(largestDrift(first, second)).toBeLessThanOrEqual(DEFAULT_COMPARE.workTolerance)
      },
    )

    it.skipIf(db.dialect !== 'postgres')(
      'leave out another delbench process listing its databases meanwhile (it reads every marker and owner)',
      async () => {
        const prepared = await tests.prepare(bookstore, SMALL_SCALE.bookstore ?? 0.01)
        const { server } = prepared
        /** The counters of one read of the pristine copy, with another process's listing beside it or not. */
        const measure = async (listing: boolean) => {
          const conn = await server.openDatabase(prepared.pristine)
          const meter = new WorkMeter(server.dialect.work)
          await meter.start(conn)
          await conn.query('SELECT COUNT(*) AS n FROM books')
          if (listing) {
            // What a run starting elsewhere does; its sessions publish their statistics as they end.
            await server.listDatabases()
            await eventually(async () => {
              const { rows } = await conn.query<{ n: number | string }>(
                'SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
              )
              return Number(rows[0]?.n) === 0 ? true : undefined
            }, 'the listing’s sessions to end')
          }
          await conn.close()
          return meter.record()
        }
        const quiet = await measure(false)
        const listed = await measure(true)
        expect(listed.deterministic.length).toBeGreaterThan(5)
        expect(deterministic(listed)).toEqual(deterministic(quiet))
      },
    )

    it.skipIf(db.dialect === 'sqlite')(
      'are never gated where they are the whole database’s and the harness shares it (traffic, a heartbeat)',
      async () => {
        const prepared = await tests.prepare(bookstore, SMALL_SCALE.bookstore ?? 0.01)
        const { server } = prepared
        const conn = await server.openDatabase(prepared.pristine)
        const meter = new WorkMeter(server.dialect.work, 'the foreground traffic')
        await meter.start(conn)
        await conn.query('SELECT COUNT(*) AS n FROM books')
        await conn.close()
        const work = meter.record()
        expect(work.counters).not.toBeNull()
        if (work.scope === 'database') {
          expect(work.deterministic).toEqual([])
          expect(work.note).toMatch(/the foreground traffic worked on the same database meanwhile/)
        } else {
          // Counted on the strategy's own sessions: the traffic's are not in them.
          expect(work.deterministic.length).toBeGreaterThan(5)
        }
      },
    )

    it.skipIf(db.dialect !== 'mysql')(
      "leave out what loading a table's definition afresh reads (MariaDB's own statistics tables)",
      async () => {
        const prepared = await tests.prepare(bookstore, SMALL_SCALE.bookstore ?? 0.01)
        const { server } = prepared
        /** The counters of one read, after another session has made the server drop the table's definition or not. */
        const measure = async (afresh: boolean) => {
          if (afresh) {
            const other = await server.openDatabase(prepared.pristine)
            await other.query('FLUSH TABLES books')
            await other.close()
          }
          const conn = await server.openDatabase(prepared.pristine)
          const meter = new WorkMeter(server.dialect.work)
          await meter.start(conn)
          await conn.query('SELECT COUNT(*) AS n FROM books WHERE id < 10')
          await conn.close()
          return meter.record()
        }
        await measure(false)
        const warm = await measure(false)
        const fresh = await measure(true)
        expect(warm.deterministic.length).toBeGreaterThan(5)
        expect(deterministic(fresh)).toEqual(deterministic(warm))
        // Why they are left out: MariaDB reads its statistics tables in the session that loads a definition.
        const conn = await server.openDatabase(prepared.pristine)
        const version = String((await conn.query<{ v: string }>('SELECT VERSION() AS v')).rows[0]?.v)
        await conn.close()
        if (version.includes('MariaDB'))
          expect(fresh.counters?.Handler_read_key).toBeGreaterThan(warm.counters?.Handler_read_key ?? 0)
      },
    )

    it.skipIf(db.dialect === 'sqlite')('count more work for per-row than for one DELETE', async () => {
      const prepared = await tests.prepare(bookstore, SMALL_SCALE.bookstore ?? 0.01)
      const perRow = workOf(await runOnce(prepared, strategy('per-row')))
      const bulk = workOf(await runOnce(prepared, strategy('naive-bulk')))
      expect(total(perRow)).toBeGreaterThan(total(bulk))
    })
  })
}
