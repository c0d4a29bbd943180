import { describe, expect, it } from 'vitest'
import { fingerprint } from '../db/statement-fingerprint.js'
import { nearestRank, StatementProfile } from '../db/statement-profile.js'
import { profileRecord } from '../runner/profile-record.js'
import { bookstore } from '../scenarios/builtins/bookstore.js'
import { BUILTIN_STRATEGIES } from '../strategies/builtins.js'
import type { Strategy } from '../strategies/strategy.js'
import { SMALL_SCALE } from './support/seeded.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { runOnce, useStrategyServer } from './support/strategy-run.js'

describe('statement templates', () => {
  it('collapse literals, placeholders and value lists, and keep identifiers', () => {
    expect(fingerprint('DELETE FROM books WHERE id = $1')).toBe('DELETE FROM books WHERE id = ?')
    expect(fingerprint('DELETE FROM books WHERE id = 42')).toBe('DELETE FROM books WHERE id = ?')
    expect(fingerprint("SELECT * FROM t1 WHERE name = 'O''Hara' AND x > -1.5e3")).toBe(
      'SELECT * FROM t1 WHERE name = ? AND x > ?',
    )
    // IN lists of any length are one template.
    expect(fingerprint('DELETE FROM "jobs" WHERE id IN (?, ?, ?)')).toBe(
      'DELETE FROM "jobs" WHERE id IN (?+)',
    )
    expect(fingerprint('DELETE FROM "jobs" WHERE id IN ($1,$2)')).toBe('DELETE FROM "jobs" WHERE id IN (?+)')
    // So are rows of VALUES, and comments and spacing do not matter.
    expect(fingerprint('INSERT INTO k (id) VALUES (1), (2),\n (3) -- keys')).toBe(
      'INSERT INTO k (id) VALUES (?+)',
    )
    expect(fingerprint('SELECT  a_2, "col 3"\n FROM `t_9`')).toBe('SELECT a_2, "col 3" FROM `t_9`')
  })

  it('count a statement under way with its time so far where asked, and once it ends, as it ended', () => {
    const profile = new StatementProfile()
    profile.add('SELECT id FROM books', [], 'select', 2, 3)
    const ticket = profile.start('DELETE FROM books WHERE id IN (1, 2)', [], 'delete', 100)
    expect(profile.running).toBe(1)
    // Without `now`, only finished statements; with it, the one under way took 150 - 100 ms so far.
    expect(profile.figures().map((t) => t.template)).toEqual(['SELECT id FROM books'])
    const now = profile.figures(150).find((t) => t.kind === 'delete')
    expect([now?.template, now?.calls, now?.totalMs, now?.rows]).toEqual([
      'DELETE FROM books WHERE id IN (?+)',
      1,
      50,
      0,
    ])
    // The snapshot left the profile as it was.
    expect(profile.figures().map((t) => t.calls)).toEqual([1])
    profile.add('DELETE FROM books WHERE id IN (1, 2)', [], 'delete', 70, 2, ticket)
    expect(profile.running).toBe(0)
    expect(profile.figures(1000).map((t) => [t.kind, t.calls, t.totalMs, t.rows])).toEqual([
      ['delete', 1, 70, 2],
      ['select', 1, 2, 3],
    ])
    expect(profileRecord(profile.figures(1000), 100, { underWay: 0 })).toMatchObject({
      covers: 'unfinished-first-iteration',
      underWay: 0,
    })
  })

  it('group statements with their time, rows and the 95th percentile by nearest rank', () => {
    expect(nearestRank([5, 1, 4, 2, 3], 0.95)).toBe(5)
    expect(
      nearestRank(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.95,
      ),
    ).toBe(95)
    const profile = new StatementProfile()
    profile.add('SELECT id FROM books', [], 'select', 2, 3)
    for (let i = 1; i <= 4; i++) profile.add('DELETE FROM books WHERE id = $1', [i], 'delete', i, 1)
    const [first, second] = profile.figures()
    expect(first).toMatchObject({
      template: 'DELETE FROM books WHERE id = ?',
      calls: 4,
      totalMs: 10,
      rows: 4,
    })
    expect(first).toMatchObject({ meanMs: 2.5, p95Ms: 4, maxMs: 4, example: { params: [1] } })
    expect(second).toMatchObject({ template: 'SELECT id FROM books', calls: 1, rows: 3 })
    const record = profileRecord(profile.figures(), 20)
    expect(record).toMatchObject({ statementsMs: 12, outsideStatementsMs: 8 })
    expect(record.templates.map((t) => t.share)).toEqual([0.5, 0.1])
  })
})

const perRow = BUILTIN_STRATEGIES.find((s) => s.name === 'per-row') as Strategy

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`the statement profile on ${db.dialect}`, () => {
    const tests = useStrategyServer(db, 171)

    it('puts per-row’s DELETE by key first, called once per target row', async () => {
      const prepared = await tests.prepare(bookstore, SMALL_SCALE.bookstore ?? 0.01)
      const targets = prepared.expectation.tables.books?.deleted ?? 0
      expect(targets).toBeGreaterThan(100)
      const result = await runOnce(prepared, perRow)
      if (result.status === 'unsupported') throw new Error(result.error)
      expect(result.status).toBe('ok')
      const { templates } = result.profile
      const byCalls = [...templates].sort((a, b) => b.calls - a.calls)
      expect(byCalls[0]).toMatchObject({ kind: 'delete', calls: targets, rows: targets })
      expect(byCalls[0]?.template).toMatch(/^DELETE FROM \S*books\S* WHERE id = \?$/)
      // The one key SELECT returns every target's key; nothing else ran.
      expect(byCalls.slice(1)).toMatchObject([{ kind: 'select', calls: 1, rows: targets }])
      expect(templates.reduce((n, t) => n + t.calls, 0)).toBe(result.counters.statements.total)
      // Hundreds of round trips against one: the per-key DELETE holds most of the time. A sanity bound,
      // not a timing assertion: the figure is a ratio within one run.
      expect(templates[0]?.template).toBe(byCalls[0]?.template)
      expect(templates[0]?.share).toBeGreaterThan(0.5)
    })
  })
}
